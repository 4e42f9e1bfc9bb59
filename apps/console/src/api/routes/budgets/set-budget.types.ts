import { z } from 'zod';
import { ZId, ZMicrosInput, ZOrgParams } from '../../dto.js';
import { ZBudgetView } from './budget-view.js';

export const ZSetBudgetParams = ZOrgParams;
const cap = ZMicrosInput.nullable().meta({ description: 'the monthly cap in micro-dollars; null clears it' });
export const ZSetBudgetBody = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('org'), capMicros: cap }),
  z.object({ scope: z.literal('team'), teamId: ZId, capMicros: cap }),
  z.object({ scope: z.literal('cluster'), clusterId: ZId, capMicros: cap }),
]);
export const ZSetBudgetResponse = z.object({
  scope: z.enum(['org', 'team', 'cluster']),
  id: z.string().meta({ description: 'the org, team or cluster id' }),
  before: ZBudgetView.nullable(),
  budget: ZBudgetView.nullable(),
  notes: z.array(z.string()).meta({ description: 'what the admin should know: over budget, or caps inconsistent on paper (allowed)' }),
});
