import { listBudgets } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toBudgetTreeDto } from './budget-tree.js';
import { ZListBudgetsParams, ZListBudgetsResponse } from './list-budgets.types.js';

export const listBudgetsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/budgets',
  summary: 'The cost tree: the org, every team and every live cluster with its run-rate and budget (cap, percent, headroom)',
  tag: 'cost',
  auth: 'org',
  permission: 'cost:read',
  params: ZListBudgetsParams,
  response: ZListBudgetsResponse,
  async handler({ db, org }) {
    return toBudgetTreeDto(await listBudgets(db, { orgId: org.id }));
  },
});
