import { AppError, type Budget } from '@atrium/core';
import type { DbOrTx } from '../shared.js';

export interface ClusterBudgetPath {
  cluster: { id: string; name: string; kcpPath: string; regions: string[] };
  /** The budgets on the cluster's path, innermost first (cluster → its team → … → org), named as admission names them. */
  budgets: Budget[];
}

/**
 * What admission would check a change in this cluster against, read without locking (the cost
 * preview writes and reserves nothing). Names match `lockBudgetPath`: cluster name, team slug,
 * org slug. A missing, foreign or deleted cluster is not found.
 */
export async function loadClusterBudgetPath(db: DbOrTx, o: { orgId: string; clusterId: string }): Promise<ClusterBudgetPath> {
  const cluster = await db.logicalCluster.findFirst({
    where: { id: o.clusterId, orgId: o.orgId, phase: { notIn: ['Deleted', 'Failed'] } },
    select: { id: true, name: true, kcpPath: true, regions: true, teamId: true, org: { select: { slug: true } } },
  });
  if (!cluster) throw AppError.notFound('Cluster');
  const [teams, rows] = await Promise.all([
    db.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true, slug: true } }),
    db.budget.findMany({ where: { orgId: o.orgId, OR: [{ scope: 'org' }, { scope: 'team' }, { scope: 'cluster', logicalClusterId: cluster.id }] } }),
  ]);
  const budgets: Budget[] = [];
  const push = (row: (typeof rows)[number] | undefined, scope: Budget['scope'], name: string) => {
    if (row) budgets.push({ scope, id: row.id, name, capMicros: row.capMicros, committedMicros: row.committedMicros });
  };
  push(
    rows.find((r) => r.scope === 'cluster'),
    'cluster',
    cluster.name,
  );
  const byId = new Map(teams.map((t) => [t.id, t]));
  const seen = new Set<string>();
  for (let team = byId.get(cluster.teamId); team && !seen.has(team.id); team = team.parentId ? byId.get(team.parentId) : undefined) {
    seen.add(team.id);
    push(
      rows.find((r) => r.scope === 'team' && r.teamId === team?.id),
      'team',
      team.slug,
    );
  }
  push(
    rows.find((r) => r.scope === 'org'),
    'org',
    cluster.org.slug,
  );
  return { cluster: { id: cluster.id, name: cluster.name, kcpPath: cluster.kcpPath, regions: cluster.regions }, budgets };
}
