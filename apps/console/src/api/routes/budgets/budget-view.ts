import { BUDGET_WARNING_PERCENT, formatMonthlyMicros } from '@atrium/core';
import { z } from 'zod';
import { ZMicros } from '../../dto.js';

/** A budget as the console shows it: amounts as micro-dollar strings plus their display forms (formatted here, once). */
export const ZBudgetView = z.object({
  capMicros: ZMicros,
  cap: z.string().meta({ example: '$5.00/mo' }),
  committedMicros: ZMicros.meta({ description: 'run-rate committed under this budget' }),
  committed: z.string(),
  percent: z.number().int().nullable().meta({ description: 'whole percent of the cap committed, rounded down; null for a zero cap' }),
  headroomMicros: z
    .string()
    .regex(/^-?\d+$/)
    .meta({ description: 'cap − committed; negative when the budget is over' }),
  headroom: z.string(),
  status: z.enum(['ok', 'warning', 'over']).meta({ description: 'warning at ≥ 80 % of the cap, over above it' }),
});
export type BudgetView = z.input<typeof ZBudgetView>;

export function budgetView(capMicros: bigint, committedMicros: bigint): BudgetView {
  const percent = capMicros > 0n ? Number((committedMicros * 100n) / capMicros) : null;
  const over = committedMicros > capMicros;
  const warning = committedMicros > 0n && committedMicros * 100n >= capMicros * BUDGET_WARNING_PERCENT;
  return {
    capMicros: capMicros.toString(),
    cap: formatMonthlyMicros(capMicros),
    committedMicros: committedMicros.toString(),
    committed: formatMonthlyMicros(committedMicros),
    percent,
    headroomMicros: (capMicros - committedMicros).toString(),
    headroom: formatMonthlyMicros(capMicros - committedMicros),
    status: over ? 'over' : warning ? 'warning' : 'ok',
  };
}
