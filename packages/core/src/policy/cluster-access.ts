import { can, type Role } from '../access/permissions.js';
import { subtreeIds, type TeamLike } from '../org/team-tree.js';

/**
 * Who may manage and enter which logical cluster. Membership is inherited down the team tree
 * (as policy is): a member of `platform` acts as a member of `platform`'s sub-teams too.
 * The provisioning worker binds `cluster-admin` in every cluster to the group of the cluster's
 * team and to the org-admins group; the groups a person's cluster token carries come from here.
 */

export const teamGroup = (teamId: string): string => `atrium:team:${teamId}`;
export const orgAdminsGroup = (orgId: string): string => `atrium:org-admins:${orgId}`;

/** The teams from the top of the tree down to `teamId` (inclusive), or undefined if it is not in `teams`. */
export function teamAncestry<T extends TeamLike>(teams: readonly T[], teamId: string): T[] | undefined {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const path: T[] = [];
  let current = byId.get(teamId);
  if (!current) return undefined;
  while (current) {
    // A cycle cannot be stored through the repositories; refuse rather than loop if one ever is.
    if (path.includes(current)) return undefined;
    path.unshift(current);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return path;
}

/** The teams a person acts in: the ones they are a member of, and every team below those. */
export function effectiveTeamIds(teams: readonly TeamLike[], memberOf: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const id of memberOf) for (const sub of subtreeIds(teams, id)) out.add(sub);
  return out;
}

/** May `role` request or delete clusters in `teamId`, given the teams the person acts in? */
export function mayManageClustersIn(role: Role, teamId: string, effectiveTeams: ReadonlySet<string>): boolean {
  if (can(role, 'cluster:manage-any-team')) return true;
  return can(role, 'cluster:create') && effectiveTeams.has(teamId);
}

/** May `role` get credentials for a cluster of `teamId`? Billing never; developers in their teams only. */
export function mayAccessClusterIn(role: Role, teamId: string, effectiveTeams: ReadonlySet<string>): boolean {
  if (!can(role, 'cluster:kubeconfig')) return false;
  return can(role, 'cluster:manage-any-team') || effectiveTeams.has(teamId);
}

/** The Kubernetes groups of a person's cluster token: one per team they act in, plus org admins. */
export function clusterAccessGroups(o: { orgId: string; role: Role; effectiveTeams: ReadonlySet<string> }): string[] {
  const groups = [...o.effectiveTeams].sort().map(teamGroup);
  if (o.role === 'owner' || o.role === 'admin') groups.push(orgAdminsGroup(o.orgId));
  return groups;
}

/**
 * The groups a person's existing cluster tokens may still carry, given their membership now; null when
 * they may hold no cluster token at all (removed from the org, or billing). A token is a snapshot of the
 * groups at issue time, so after a removal, a demotion or leaving a team every token carrying a group
 * outside this set is revoked: that is what makes "a removed member loses access immediately" hold
 * without rewriting RBAC in every cluster.
 */
export function retainedClusterAccessGroups(o: { orgId: string; role: Role | null; effectiveTeams: ReadonlySet<string> }): string[] | null {
  if (!o.role || !can(o.role, 'cluster:kubeconfig')) return null;
  return clusterAccessGroups({ orgId: o.orgId, role: o.role, effectiveTeams: o.effectiveTeams });
}

/** May `role` see and revoke other people's kubeconfig tokens for a cluster (everyone sees their own)? */
export function mayManageOthersClusterTokens(role: Role): boolean {
  return can(role, 'cluster:manage-any-team');
}

/** The kubeconfig context of a cluster: `<org>/<team>/<cluster>`. */
export function clusterContextName(orgSlug: string, teamSlug: string, clusterName: string): string {
  return `${orgSlug}/${teamSlug}/${clusterName}`;
}
