import type { LogicalClusterPhase } from '../../generated/prisma/enums.js';
import type { DbOrTx } from '../shared.js';

/** A node's budget: its cap and what is committed under it. */
export interface BudgetAmounts {
  budgetId: string;
  capMicros: bigint;
  /** The run-rate committed under this budget, as admission keeps it. */
  committedMicros: bigint;
}

/**
 * Every node of the cost tree carries its run-rate (`runRateMicros`, kept on every admitted
 * change); `budget` is null when no cap is set on the node (it is bounded by its ancestors only).
 */
export interface BudgetTree {
  org: { id: string; slug: string; name: string; runRateMicros: bigint; budget: BudgetAmounts | null };
  teams: Array<{ id: string; parentId: string | null; slug: string; name: string; runRateMicros: bigint; budget: BudgetAmounts | null }>;
  /** Live clusters only (a deleted cluster's run-rate is released). */
  clusters: Array<{
    id: string;
    name: string;
    teamId: string;
    phase: LogicalClusterPhase;
    templateSlug: string;
    maxBudgetMicros: bigint | null;
    runRateMicros: bigint;
    budget: BudgetAmounts | null;
  }>;
}

/** Every cost node of an org, arranged on its tree: the org, every team, every live cluster. */
export async function listBudgets(db: DbOrTx, o: { orgId: string }): Promise<BudgetTree> {
  const [org, teams, clusters, nodes] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: o.orgId }, select: { id: true, slug: true, name: true } }),
    db.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true, slug: true, name: true }, orderBy: { name: 'asc' } }),
    db.logicalCluster.findMany({
      where: { orgId: o.orgId, phase: { not: 'Deleted' } },
      select: { id: true, name: true, teamId: true, phase: true, template: { select: { slug: true, maxBudgetMicros: true } } },
      orderBy: { name: 'asc' },
    }),
    db.budget.findMany({ where: { orgId: o.orgId }, orderBy: { createdAt: 'asc' } }),
  ]);
  const node = (n: (typeof nodes)[number] | undefined) => ({
    runRateMicros: n?.committedMicros ?? 0n,
    budget: n && n.capMicros !== null ? { budgetId: n.id, capMicros: n.capMicros, committedMicros: n.committedMicros } : null,
  });
  return {
    org: { ...org, ...node(nodes.find((b) => b.scope === 'org')) },
    teams: teams.map((t) => ({ ...t, ...node(nodes.find((b) => b.scope === 'team' && b.teamId === t.id)) })),
    clusters: clusters.map((c) => ({
      id: c.id,
      name: c.name,
      teamId: c.teamId,
      phase: c.phase,
      templateSlug: c.template.slug,
      maxBudgetMicros: c.template.maxBudgetMicros,
      ...node(nodes.find((b) => b.scope === 'cluster' && b.logicalClusterId === c.id)),
    })),
  };
}
