import { z } from 'zod';
import { ZClusterPhase, ZOrgParams } from '../../dto.js';
import { ZBudgetView } from './budget-view.js';

export const ZListBudgetsParams = ZOrgParams;
const budget = ZBudgetView.nullable().meta({ description: 'null: no cap of its own (bounded by the budgets above it)' });
export const ZListBudgetsResponse = z.object({
  org: z.object({ id: z.string(), slug: z.string(), name: z.string(), budget }),
  teams: z.array(z.object({ id: z.string(), parentId: z.string().nullable(), slug: z.string(), name: z.string(), budget })),
  clusters: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      teamId: z.string(),
      phase: ZClusterPhase,
      template: z.string(),
      maxBudget: z.string().nullable().meta({ description: "the template's largest allowed cluster budget, e.g. $200.00/mo" }),
      budget,
    }),
  ),
});
