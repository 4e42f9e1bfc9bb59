import { formatMonthlyMicros } from '@atrium/core';
import { type BudgetDenialRow, listBudgetDenials } from '@atrium/db';
import type { z } from 'zod';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZListBudgetDenialsResponse } from './list-budget-denials.types.js';

export type BudgetDenialDto = z.input<typeof ZListBudgetDenialsResponse>['denials'][number];

export function toBudgetDenialDto(d: BudgetDenialRow): BudgetDenialDto {
  return {
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
  };
}

export const listBudgetDenialsRoutes = costNodeRoutes({
  what: 'denials',
  summary: 'Changes the API server refused because they would break a budget: who, what, the exact message, when',
  response: ZListBudgetDenialsResponse,
  async handler({ db, org }, node) {
    const { denials } = await listBudgetDenials(db, { orgId: org.id, node });
    return {
      denials: denials.map(toBudgetDenialDto),
    };
  },
});
