import { formatMonthlyMicros } from '@atrium/core';
import { type BudgetAlertRow, listBudgetAlerts } from '@atrium/db';
import type { z } from 'zod';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZListBudgetAlertsResponse } from './list-budget-alerts.types.js';

export type BudgetAlertDto = z.input<typeof ZListBudgetAlertsResponse>['alerts'][number];

export function toBudgetAlertDto(a: BudgetAlertRow): BudgetAlertDto {
  return {
    id: a.id,
    scope: a.scope,
    node: a.nodeName,
    thresholdPercent: a.thresholdPercent,
    runRateMicros: a.runRateMicros.toString(),
    capMicros: a.capMicros.toString(),
    message: `${a.scope} ${a.nodeName} reached ${a.thresholdPercent}% of its ${formatMonthlyMicros(a.capMicros)} budget (${formatMonthlyMicros(a.runRateMicros)} committed)`,
    createdAt: a.createdAt.toISOString(),
    notifiedAt: a.notifiedAt?.toISOString() ?? null,
    active: a.active,
  };
}

export const listBudgetAlertsRoutes = costNodeRoutes({
  what: 'alerts',
  summary: 'Budget alerts (50, 80 and 100 % crossings) of the node and every node under it, newest first',
  response: ZListBudgetAlertsResponse,
  async handler({ db, org }, node) {
    const { alerts } = await listBudgetAlerts(db, { orgId: org.id, node });
    return {
      alerts: alerts.map(toBudgetAlertDto),
    };
  },
});
