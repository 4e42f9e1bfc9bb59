import type { LogicalClusterPhase } from '../../generated/prisma/enums.js';
import type { DbOrTx } from '../shared.js';

/** A budget row's amounts; `null` on a node means it has no cap (it is bounded by its ancestors only). */
export interface BudgetAmounts {
  budgetId: string;
  capMicros: bigint;
  /** The run-rate committed under this budget, as admission keeps it. */
  committedMicros: bigint;
}

export interface BudgetTree {
  org: { id: string; slug: string; name: string; budget: BudgetAmounts | null };
  teams: Array<{ id: string; parentId: string | null; slug: string; name: string; budget: BudgetAmounts | null }>;
  /** Live clusters only (a deleted cluster's budget no longer applies). */
  clusters: Array<{
    id: string;
    name: string;
    teamId: string;
    phase: LogicalClusterPhase;
    templateSlug: string;
    maxBudgetMicros: bigint | null;
    budget: BudgetAmounts | null;
  }>;
}

/** Every budget of an org, arranged on its tree: the org, every team, every live cluster. */
export async function listBudgets(db: DbOrTx, o: { orgId: string }): Promise<BudgetTree> {
  const [org, teams, clusters, budgets] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: o.orgId }, select: { id: true, slug: true, name: true } }),
    db.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true, slug: true, name: true }, orderBy: { name: 'asc' } }),
    db.logicalCluster.findMany({
      where: { orgId: o.orgId, phase: { not: 'Deleted' } },
      select: { id: true, name: true, teamId: true, phase: true, template: { select: { slug: true, maxBudgetMicros: true } } },
      orderBy: { name: 'asc' },
    }),
    db.budget.findMany({ where: { orgId: o.orgId }, orderBy: { createdAt: 'asc' } }),
  ]);
  const amounts = (b: (typeof budgets)[number] | undefined): BudgetAmounts | null =>
    b ? { budgetId: b.id, capMicros: b.capMicros, committedMicros: b.committedMicros } : null;
  return {
    org: { ...org, budget: amounts(budgets.find((b) => b.scope === 'org')) },
    teams: teams.map((t) => ({ ...t, budget: amounts(budgets.find((b) => b.scope === 'team' && b.teamId === t.id)) })),
    clusters: clusters.map((c) => ({
      id: c.id,
      name: c.name,
      teamId: c.teamId,
      phase: c.phase,
      templateSlug: c.template.slug,
      maxBudgetMicros: c.template.maxBudgetMicros,
      budget: amounts(budgets.find((b) => b.scope === 'cluster' && b.logicalClusterId === c.id)),
    })),
  };
}
