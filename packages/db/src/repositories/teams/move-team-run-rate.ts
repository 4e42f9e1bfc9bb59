import { applyCostDelta, type CostNode, prismaSqlClient } from '../../cost-ledger.js';
import type { Tx } from '../shared.js';

interface TeamLink {
  id: string;
  parentId: string | null;
  slug: string;
}

/** The team ids from `start` to the top of the tree. */
function chainFrom(teams: readonly TeamLink[], start: string | null): string[] {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const chain: string[] = [];
  for (let id = start; id !== null && !chain.includes(id); id = byId.get(id)?.parentId ?? null) chain.push(id);
  return chain;
}

/**
 * Moves a team's run-rate with the team: the teams it leaves (ancestors under the old parent
 * only) lose its committed amount, the teams it joins gain it — with snapshots and budget
 * alerts, like any admitted change. The org node and common ancestors do not move. The nodes
 * are locked in id order, as admission locks them, so a concurrent admission in the subtree
 * either lands before the move (and moves with it) or after (on the new path).
 */
export async function moveTeamRunRate(
  tx: Tx,
  o: { orgId: string; teams: readonly TeamLink[]; teamId: string; from: string | null; to: string | null },
): Promise<void> {
  const before = chainFrom(o.teams, o.from);
  const after = chainFrom(o.teams, o.to);
  const leaving = before.filter((id) => !after.includes(id));
  const joining = after.filter((id) => !before.includes(id));
  const sql = prismaSqlClient(tx);
  const { rows } = await sql.query<{ id: string; teamId: string; capMicros: string | null; committedMicros: string; alertedPercent: number }>(
    `select id, "teamId", "capMicros"::text as "capMicros", "committedMicros"::text as "committedMicros", "alertedPercent"
       from "Budget" where "orgId" = $1 and scope = 'team' and "teamId" = any($2::text[])
      order by id for update`,
    [o.orgId, [o.teamId, ...leaving, ...joining]],
  );
  const moved = BigInt(rows.find((r) => r.teamId === o.teamId)?.committedMicros ?? '0');
  if (moved === 0n) return;
  const slug = new Map(o.teams.map((t) => [t.id, t.slug]));
  const nodes = (ids: string[]): CostNode[] =>
    rows
      .filter((r) => ids.includes(r.teamId))
      .map((r) => ({
        id: r.id,
        scope: 'team',
        name: slug.get(r.teamId) ?? r.teamId,
        capMicros: r.capMicros === null ? null : BigInt(r.capMicros),
        committedMicros: BigInt(r.committedMicros),
        alertedPercent: Number(r.alertedPercent),
      }));
  const path = (ids: string[]) => ({ orgId: o.orgId, logicalClusterId: '', clusterName: '', regions: [], nodes: nodes(ids) });
  await applyCostDelta(sql, path(leaving), -moved);
  await applyCostDelta(sql, path(joining), moved);
}
