import { z } from 'zod';
import { ZMicros } from '../../dto.js';
import { ZCostNode } from './cost-node.types.js';

const iso = z.string().meta({ format: 'date-time' });
export const ZGetRunRateHistoryQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30).meta({ description: 'how far back (default 30 days)' }),
});
export const ZGetRunRateHistoryResponse = z.object({
  node: ZCostNode,
  since: iso,
  startMicros: ZMicros.meta({ description: 'the run-rate in force at `since`' }),
  points: z.array(z.object({ at: iso, runRateMicros: ZMicros })).meta({ description: 'every change after `since`, oldest first' }),
});
