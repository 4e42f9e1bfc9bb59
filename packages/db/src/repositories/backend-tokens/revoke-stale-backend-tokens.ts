import { effectiveTeamIds, retainedClusterAccessGroups } from '@atrium/core';
import type { DbOrTx } from '../shared.js';
import { backendTokensTableExists } from './backend-token-row.js';

/**
 * Revokes a person's kubeconfig tokens for this org's clusters that carry a group their membership no
 * longer grants (all of them once removed or billing; the org-admins ones after a demotion to developer;
 * a team's after leaving it). Call it in the transaction that changed the membership, after the change,
 * so the access change and the lock-out commit together. Returns how many tokens were revoked.
 */
export async function revokeStaleBackendTokens(tx: DbOrTx, o: { orgId: string; userId: string }): Promise<number> {
  if (!(await backendTokensTableExists(tx))) return 0;
  // One after the other: this runs inside the caller's transaction (one connection), where pg deprecates overlapping queries.
  const user = await tx.user.findUnique({ where: { id: o.userId }, select: { email: true } });
  const membership = await tx.membership.findFirst({
    where: { orgId: o.orgId, userId: o.userId },
    select: { role: true, teams: { select: { teamId: true } } },
  });
  const teams = await tx.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true } });
  if (!user) return 0;
  const kept = retainedClusterAccessGroups({
    orgId: o.orgId,
    role: membership?.role ?? null,
    effectiveTeams: effectiveTeamIds(
      teams,
      (membership?.teams ?? []).map((t) => t.teamId),
    ),
  });
  // Tokens name exact cluster paths; the org's tokens are those naming one of its clusters (deleted ones included).
  // With nothing kept every token goes; otherwise those carrying a group outside the kept set.
  return tx.$executeRaw`update apiserver.tokens set revoked_at = now()
    where username = ${user.email} and revoked_at is null and not wildcard
      and clusters && coalesce((select array_agg("kcpPath") from "LogicalCluster" where "orgId" = ${o.orgId}), '{}'::text[])
      and (${kept === null} or not (groups <@ ${kept ?? []}::text[]))`;
}
