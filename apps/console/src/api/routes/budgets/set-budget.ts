import { capEffect } from '@atrium/core/cap-effect';
import { listBudgets, setBudget } from '@atrium/db';
import { capTreeNodes } from '../../../components/cost-tree.js';
import { defineRoute } from '../../define-route.js';
import { toBudgetTreeDto } from './budget-tree.js';
import { budgetView } from './budget-view.js';
import { ZSetBudgetBody, ZSetBudgetParams, ZSetBudgetResponse } from './set-budget.types.js';

export const setBudgetRoute = defineRoute({
  method: 'PUT',
  path: '/orgs/{org}/budgets',
  summary: 'Set or clear the monthly cap of the org, a team or a live cluster (audited); a child may exceed its parent on paper',
  tag: 'cost',
  auth: 'org',
  permission: 'budget:write',
  params: ZSetBudgetParams,
  body: ZSetBudgetBody,
  response: ZSetBudgetResponse,
  async handler({ db, org, user, principal, ip, body }) {
    const target =
      body.scope === 'org'
        ? { scope: 'org' as const }
        : body.scope === 'team'
          ? { scope: 'team' as const, teamId: body.teamId }
          : { scope: 'cluster' as const, clusterId: body.clusterId };
    // The tree as it was: the notes describe what this change does, as the console showed before saving.
    const tree = capTreeNodes(toBudgetTreeDto(await listBudgets(db, { orgId: org.id })));
    const result = await setBudget(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, target, capMicros: body.capMicros });
    const key = result.scope === 'org' ? `org:${org.id}` : `${result.scope}:${result.id}`;
    return {
      scope: result.scope,
      id: result.id,
      before: result.before ? budgetView(result.before.capMicros, result.before.committedMicros) : null,
      budget: result.after ? budgetView(result.after.capMicros, result.after.committedMicros) : null,
      notes: tree.some((n) => n.key === key) ? capEffect(tree, key, body.capMicros).notes : [],
    };
  },
});
