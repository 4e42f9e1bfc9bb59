import { z } from 'zod';
import { ZMicros } from '../../dto.js';

const iso = z.string().meta({ format: 'date-time' });
export const ZListBudgetAlertsResponse = z.object({
  alerts: z.array(
    z.object({
      id: z.string(),
      scope: z.enum(['org', 'team', 'cluster']),
      node: z.string().meta({ description: 'org slug, team slug or cluster name' }),
      thresholdPercent: z.number().int().meta({ description: '50, 80 or 100' }),
      runRateMicros: ZMicros,
      capMicros: ZMicros,
      message: z.string().meta({ example: 'team payments reached 80% of its $5.00/mo budget ($4.10/mo committed)' }),
      createdAt: iso,
      notifiedAt: iso.nullable().meta({ description: 'when the admins were mailed' }),
      active: z.boolean().meta({ description: 'the crossing is still current (the run-rate has not dropped back below it)' }),
    }),
  ),
});
