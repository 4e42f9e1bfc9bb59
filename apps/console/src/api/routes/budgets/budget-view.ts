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

export interface CapNode {
  label: string;
  capMicros: bigint | null;
}

/**
 * What to tell an admin about a cap they just set: that it is below what is committed (only
 * cost-lowering changes will be admitted), and which direct relatives it is inconsistent with
 * on paper. Both are allowed: admission checks every budget on the path, so a child's larger
 * cap never lets more through than its parent's.
 */
export function capNotes(o: { label: string; capMicros: bigint; committedMicros: bigint; ancestors: CapNode[]; descendants: CapNode[] }): string[] {
  const notes: string[] = [];
  if (o.committedMicros > o.capMicros) {
    notes.push(
      `${o.label} has ${formatMonthlyMicros(o.committedMicros)} committed, over the new ${formatMonthlyMicros(o.capMicros)} budget: from now on only changes that lower cost are admitted.`,
    );
  }
  const smallerAncestor = o.ancestors.find((a) => a.capMicros !== null && a.capMicros < o.capMicros);
  if (smallerAncestor?.capMicros != null) {
    notes.push(
      `${o.label}'s budget exceeds ${smallerAncestor.label}'s ${formatMonthlyMicros(smallerAncestor.capMicros)}: allowed on paper, but ${smallerAncestor.label}'s budget still limits it.`,
    );
  }
  const larger = o.descendants.filter((d) => d.capMicros !== null && d.capMicros > o.capMicros);
  if (larger.length > 0) {
    const names = larger.map((d) => d.label).join(', ');
    notes.push(
      `${larger.length === 1 ? `${names} has a budget` : `${larger.length} budgets under it (${names}) are`} above ${formatMonthlyMicros(o.capMicros)}: allowed on paper, but this budget still limits ${larger.length === 1 ? 'it' : 'them'}.`,
    );
  }
  return notes;
}
