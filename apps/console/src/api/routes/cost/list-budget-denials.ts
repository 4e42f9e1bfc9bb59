import { formatMonthlyMicros } from '@atrium/core';
import { listBudgetDenials } from '@atrium/db';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZListBudgetDenialsResponse } from './list-budget-denials.types.js';

export const listBudgetDenialsRoutes = costNodeRoutes({
  what: 'denials',
  summary: 'Changes the API server refused because they would break a budget: who, what, the exact message, when',
  response: ZListBudgetDenialsResponse,
  async handler({ db, org }, node) {
    const { denials } = await listBudgetDenials(db, { orgId: org.id, node });
    return {
      denials: denials.map((d) => ({
        id: d.id,
        clusterId: d.clusterId,
        cluster: d.clusterName,
        team: d.teamSlug,
        object: d.object,
        deltaMicros: d.deltaMicros.toString(),
        delta: formatMonthlyMicros(d.deltaMicros),
        message: d.message,
        username: d.username,
        createdAt: d.createdAt.toISOString(),
      })),
    };
  },
});
