import { AppError, subtreeIds } from '@atrium/core';
import type { DbOrTx } from '../shared.js';

/** Which cost node a report is about: the org, one team (with its sub-teams) or one cluster. */
export type CostNodeRef = { scope: 'org' } | { scope: 'team'; teamId: string } | { scope: 'cluster'; clusterId: string };

export interface ResolvedCostNode {
  scope: 'org' | 'team' | 'cluster';
  /** The org, team or cluster id. */
  id: string;
  /** Org slug, team slug or cluster name: how budget messages name the node. */
  name: string;
  /** The node's `Budget` row; null only for data written before every node had one. */
  budgetId: string | null;
  capMicros: bigint | null;
  runRateMicros: bigint;
  alertedPercent: number;
  /** Every cluster under the node, whatever its phase (denials of deleted clusters stay readable). */
  clusterIds: string[];
  /** The cost nodes of the subtree, the node's own included. */
  budgetIds: string[];
}

/**
 * Resolves a node inside one org. A team or cluster of another org is not found, exactly like
 * one that does not exist. Deleted clusters still resolve: their history and refusals remain.
 */
export async function resolveCostNode(db: DbOrTx, orgId: string, ref: CostNodeRef): Promise<ResolvedCostNode> {
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { id: true, slug: true } });
  if (!org) throw AppError.notFound('Organisation');
  if (ref.scope === 'cluster') {
    const cluster = await db.logicalCluster.findFirst({ where: { id: ref.clusterId, orgId }, select: { id: true, name: true } });
    if (!cluster) throw AppError.notFound('Cluster');
    const node = await db.budget.findFirst({ where: { orgId, scope: 'cluster', logicalClusterId: cluster.id } });
    return {
      scope: 'cluster',
      id: cluster.id,
      name: cluster.name,
      budgetId: node?.id ?? null,
      capMicros: node?.capMicros ?? null,
      runRateMicros: node?.committedMicros ?? 0n,
      alertedPercent: node?.alertedPercent ?? 0,
      clusterIds: [cluster.id],
      budgetIds: node ? [node.id] : [],
    };
  }
  const teams = await db.team.findMany({ where: { orgId }, select: { id: true, parentId: true, slug: true } });
  let teamIds: Set<string> | null = null;
  let name = org.slug;
  if (ref.scope === 'team') {
    const team = teams.find((t) => t.id === ref.teamId);
    if (!team) throw AppError.notFound('Team');
    teamIds = subtreeIds(teams, team.id);
    name = team.slug;
  }
  const clusters = await db.logicalCluster.findMany({
    where: { orgId, ...(teamIds ? { teamId: { in: [...teamIds] } } : {}) },
    select: { id: true },
  });
  const clusterIds = clusters.map((c) => c.id);
  const nodes = await db.budget.findMany({
    where: teamIds
      ? {
          orgId,
          OR: [
            { scope: 'team', teamId: { in: [...teamIds] } },
            { scope: 'cluster', logicalClusterId: { in: clusterIds } },
          ],
        }
      : { orgId },
    select: { id: true, scope: true, teamId: true, capMicros: true, committedMicros: true, alertedPercent: true },
  });
  const own = ref.scope === 'team' ? nodes.find((n) => n.scope === 'team' && n.teamId === ref.teamId) : nodes.find((n) => n.scope === 'org');
  return {
    scope: ref.scope,
    id: ref.scope === 'team' ? ref.teamId : orgId,
    name,
    budgetId: own?.id ?? null,
    capMicros: own?.capMicros ?? null,
    runRateMicros: own?.committedMicros ?? 0n,
    alertedPercent: own?.alertedPercent ?? 0,
    clusterIds,
    budgetIds: nodes.map((n) => n.id),
  };
}
