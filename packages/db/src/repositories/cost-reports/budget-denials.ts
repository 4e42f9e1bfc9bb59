import type { DbOrTx } from '../shared.js';
import { type CostNodeRef, type ResolvedCostNode, resolveCostNode } from './cost-node.js';

export interface BudgetDenialRow {
  id: string;
  clusterId: string;
  clusterName: string;
  teamSlug: string;
  object: string;
  deltaMicros: bigint;
  /** The exact 403 message the client got. */
  message: string;
  username: string;
  createdAt: Date;
}

/** Changes the API server refused for budget reasons in the clusters under a node, newest first. */
export async function listBudgetDenials(
  db: DbOrTx,
  o: { orgId: string; node: CostNodeRef; limit?: number },
): Promise<{ node: ResolvedCostNode; denials: BudgetDenialRow[] }> {
  const node = await resolveCostNode(db, o.orgId, o.node);
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 200);
  if (node.clusterIds.length === 0) return { node, denials: [] };
  const rows = await db.budgetDenial.findMany({
    where: { orgId: o.orgId, logicalClusterId: { in: node.clusterIds } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    include: { logicalCluster: { select: { name: true, team: { select: { slug: true } } } } },
  });
  return {
    node,
    denials: rows.map((r) => ({
      id: r.id,
      clusterId: r.logicalClusterId,
      clusterName: r.logicalCluster.name,
      teamSlug: r.logicalCluster.team.slug,
      object: r.object,
      deltaMicros: r.deltaMicros,
      message: r.message,
      username: r.username,
      createdAt: r.createdAt,
    })),
  };
}
