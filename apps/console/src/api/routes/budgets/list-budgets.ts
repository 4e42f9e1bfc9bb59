import { formatMonthlyMicros } from '@atrium/core';
import { type BudgetAmounts, listBudgets } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { budgetView } from './budget-view.js';
import { ZListBudgetsParams, ZListBudgetsResponse } from './list-budgets.types.js';

const view = (b: BudgetAmounts | null) => (b ? budgetView(b.capMicros, b.committedMicros) : null);

export const listBudgetsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/budgets',
  summary: 'The budgets of the org, every team and every live cluster: cap, committed run-rate, percent and headroom',
  tag: 'cost',
  auth: 'org',
  permission: 'cost:read',
  params: ZListBudgetsParams,
  response: ZListBudgetsResponse,
  async handler({ db, org }) {
    const tree = await listBudgets(db, { orgId: org.id });
    return {
      org: { id: tree.org.id, slug: tree.org.slug, name: tree.org.name, budget: view(tree.org.budget) },
      teams: tree.teams.map((t) => ({ id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, budget: view(t.budget) })),
      clusters: tree.clusters.map((c) => ({
        id: c.id,
        name: c.name,
        teamId: c.teamId,
        phase: c.phase,
        template: c.templateSlug,
        maxBudget: c.maxBudgetMicros === null ? null : formatMonthlyMicros(c.maxBudgetMicros),
        budget: view(c.budget),
      })),
    };
  },
});
