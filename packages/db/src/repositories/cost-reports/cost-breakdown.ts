import type { DbOrTx } from '../shared.js';
import { type CostNodeRef, type ResolvedCostNode, resolveCostNode } from './cost-node.js';

export interface CostBreakdownRow {
  clusterId: string;
  clusterName: string;
  /** '' for cluster-scoped objects and for the cluster's base fee. */
  namespace: string;
  kind: string;
  objects: number;
  priceMicros: bigint;
}

export interface CostBreakdown {
  node: ResolvedCostNode;
  /** One row per (cluster, namespace, kind), most expensive first; free objects have no price and do not appear. */
  rows: CostBreakdownRow[];
}

/** What a node's run-rate is made of: the recorded object prices of the clusters under it. */
export async function getCostBreakdown(db: DbOrTx, o: { orgId: string; node: CostNodeRef }): Promise<CostBreakdown> {
  const node = await resolveCostNode(db, o.orgId, o.node);
  if (node.clusterIds.length === 0) return { node, rows: [] };
  const [groups, clusters] = await Promise.all([
    db.objectPrice.groupBy({
      by: ['logicalClusterId', 'namespace', 'kind'],
      where: { orgId: o.orgId, logicalClusterId: { in: node.clusterIds } },
      _sum: { priceMicros: true },
      _count: { _all: true },
    }),
    db.logicalCluster.findMany({ where: { orgId: o.orgId, id: { in: node.clusterIds } }, select: { id: true, name: true } }),
  ]);
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const rows = groups.map((g) => ({
    clusterId: g.logicalClusterId,
    clusterName: names.get(g.logicalClusterId) ?? '?',
    namespace: g.namespace,
    kind: g.kind,
    objects: g._count._all,
    priceMicros: g._sum.priceMicros ?? 0n,
  }));
  rows.sort((a, b) =>
    a.priceMicros === b.priceMicros
      ? `${a.clusterName}/${a.namespace}/${a.kind}`.localeCompare(`${b.clusterName}/${b.namespace}/${b.kind}`)
      : a.priceMicros > b.priceMicros
        ? -1
        : 1,
  );
  return { node, rows };
}
