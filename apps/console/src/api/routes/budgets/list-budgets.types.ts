import { z } from 'zod';
import { ZClusterPhase, ZMicros, ZOrgParams } from '../../dto.js';
import { ZBudgetView } from './budget-view.js';

export const ZListBudgetsParams = ZOrgParams;
const budget = ZBudgetView.nullable().meta({ description: 'null: no budget on this node (bounded by the budgets above it)' });
const runRate = {
  runRateMicros: ZMicros.meta({ description: 'the monthly run-rate under this node, whether or not it has a budget' }),
  runRate: z.string().meta({ example: '$4.50/mo' }),
};
export const ZListBudgetsResponse = z.object({
  org: z.object({ id: z.string(), slug: z.string(), name: z.string(), ...runRate, budget }),
  teams: z.array(z.object({ id: z.string(), parentId: z.string().nullable(), slug: z.string(), name: z.string(), ...runRate, budget })),
  clusters: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      teamId: z.string(),
      phase: ZClusterPhase,
      template: z.string(),
      maxBudget: z.string().nullable().meta({ description: "the template's largest allowed cluster budget, e.g. $200.00/mo" }),
      ...runRate,
      budget,
    }),
  ),
});
export type BudgetTreeDto = z.input<typeof ZListBudgetsResponse>;
