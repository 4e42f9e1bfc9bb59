import { AppError, type Budget } from '@atrium/core';
import { budgetsOf, type CostNode, prismaSqlClient, readCostPath } from '../../cost-ledger.js';
import type { DbOrTx } from '../shared.js';

export interface ClusterBudgetPath {
  cluster: { id: string; name: string; kcpPath: string; regions: string[] };
  /** The budgets on the cluster's path, innermost first (cluster → its team → … → org), named as admission names them. */
  budgets: Budget[];
  /** Every cost node on the path, capped or not, innermost first; `committedMicros` is each node's run-rate. */
  nodes: CostNode[];
}

/**
 * What admission would check a change in this cluster against, read without locking (the cost
 * preview writes and reserves nothing) through the same path query admission locks. A
 * missing, foreign or deleted cluster is not found.
 */
export async function loadClusterBudgetPath(db: DbOrTx, o: { orgId: string; clusterId: string }): Promise<ClusterBudgetPath> {
  const cluster = await db.logicalCluster.findFirst({
    where: { id: o.clusterId, orgId: o.orgId, phase: { notIn: ['Deleted', 'Failed'] } },
    select: { id: true, name: true, kcpPath: true, regions: true },
  });
  if (!cluster) throw AppError.notFound('Cluster');
  const path = await readCostPath(prismaSqlClient(db), cluster.kcpPath);
  const nodes = path && path.logicalClusterId === cluster.id ? path.nodes : [];
  return { cluster, budgets: budgetsOf({ orgId: o.orgId, logicalClusterId: cluster.id, clusterName: cluster.name, regions: cluster.regions, nodes }), nodes };
}
