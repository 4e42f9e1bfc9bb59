import { formatMonthlyMicros } from '@atrium/core';
import type { BudgetAmounts, BudgetTree } from '@atrium/db';
import { budgetView } from './budget-view.js';
import type { BudgetTreeDto } from './list-budgets.types.js';

const view = (b: BudgetAmounts | null) => (b ? budgetView(b.capMicros, b.committedMicros) : null);
const rate = (micros: bigint) => ({ runRateMicros: micros.toString(), runRate: formatMonthlyMicros(micros) });

/** The cost tree as the API and the cost pages show it: amounts formatted once, here. */
export function toBudgetTreeDto(tree: BudgetTree): BudgetTreeDto {
  return {
    org: { id: tree.org.id, slug: tree.org.slug, name: tree.org.name, ...rate(tree.org.runRateMicros), budget: view(tree.org.budget) },
    teams: tree.teams.map((t) => ({ id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, ...rate(t.runRateMicros), budget: view(t.budget) })),
    clusters: tree.clusters.map((c) => ({
      id: c.id,
      name: c.name,
      teamId: c.teamId,
      phase: c.phase,
      template: c.templateSlug,
      maxBudget: c.maxBudgetMicros === null ? null : formatMonthlyMicros(c.maxBudgetMicros),
      ...rate(c.runRateMicros),
      budget: view(c.budget),
    })),
  };
}
