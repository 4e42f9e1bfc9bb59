/**
 * Budget check-and-reserve for admission, in raw SQL on a caller-supplied pg
 * connection: the API server runs it inside the same transaction as the
 * object write, which Prisma cannot join. Budget rows on the path are locked
 * (`for update`, in id order so concurrent writers never deadlock), so two
 * server replicas can never both spend the same headroom.
 */
import type { Budget } from '@atrium/core';
import type { SqlClient } from './cost-ledger.js';


interface BudgetRow extends Record<string, unknown> {
  id: string;
  scope: 'org' | 'team' | 'cluster';
  capMicros: string;
  committedMicros: string;
  name: string;
  depth: number;
}

/**
 * Locks and returns the budgets on a logical cluster's path, innermost first
 * (cluster → teams from the cluster's own team upward → org). Empty when the
 * path is not an Atrium logical cluster or has no budgets.
 */
export async function lockBudgetPath(client: SqlClient, kcpPath: string): Promise<Budget[]> {
  const { rows } = await client.query<BudgetRow>(
    `with recursive lc as (
       select id, "orgId", "teamId", name from "LogicalCluster"
        where "kcpPath" = $1 and phase not in ('Deleted', 'Failed') limit 1
     ), team_chain as (
       select t.id, t."parentId", t.slug, 1 as depth from "Team" t join lc on t.id = lc."teamId" and t."orgId" = lc."orgId"
       union all
       select p.id, p."parentId", p.slug, c.depth + 1 from "Team" p join team_chain c on p.id = c."parentId"
     ), path as (
       select b.id, b.scope::text as scope,
              case b.scope when 'cluster' then lc.name when 'team' then tc.slug else o.slug end as name,
              case b.scope when 'cluster' then 0 when 'team' then tc.depth else 1000000 end as depth
         from "Budget" b
         join lc on b."orgId" = lc."orgId"
         join "Organization" o on o.id = lc."orgId"
         left join team_chain tc on b.scope = 'team' and b."teamId" = tc.id
        where (b.scope = 'cluster' and b."logicalClusterId" = lc.id)
           or (b.scope = 'team' and tc.id is not null)
           or b.scope = 'org'
     )
     -- Amounts come from the locked row, not the CTE: after waiting for a lock,
     -- Postgres re-reads the locked row, while the CTE still holds the old snapshot.
     select path.id, path.scope, path.name, path.depth,
            locked."capMicros"::text as "capMicros", locked."committedMicros"::text as "committedMicros"
       from path join "Budget" locked on locked.id = path.id
      order by path.id
      for update of locked`,
    [kcpPath],
  );
  return rows
    .sort((a, b) => a.depth - b.depth)
    .map((r) => ({ scope: r.scope, id: r.id, name: r.name, capMicros: BigInt(r.capMicros), committedMicros: BigInt(r.committedMicros) }));
}

/** Adds `deltaMicros` (may be negative) to every budget on the path; call after the decision, in the same transaction. */
export async function applyBudgetDelta(client: SqlClient, budgetIds: readonly string[], deltaMicros: bigint): Promise<void> {
  if (budgetIds.length === 0 || deltaMicros === 0n) return;
  await client.query(`update "Budget" set "committedMicros" = "committedMicros" + $2::bigint, "updatedAt" = now() where id = any($1::text[])`, [
    budgetIds,
    deltaMicros.toString(),
  ]);
}
