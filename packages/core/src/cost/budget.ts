import { formatMonthlyMicros } from './money.js';

/**
 * Nested monthly budgets, checked at admission.
 *
 * A change is checked against every budget on its path (cluster → teams, innermost first →
 * org). A child's cap may exceed its parent's on paper; that never lets a change through,
 * because every ancestor is checked too. A budget breaks when `committed + delta > cap`;
 * reaching the cap exactly is allowed.
 */

export type BudgetScope = 'cluster' | 'team' | 'org';

export interface Budget {
  readonly scope: BudgetScope;
  readonly id: string;
  readonly name: string;
  readonly capMicros: bigint;
  /** The run-rate already committed under this budget (its subtree's objects). */
  readonly committedMicros: bigint;
}

/** Share of a budget at which admission warns (and the console alerts). */
export const BUDGET_WARNING_PERCENT = 80n;

export interface BudgetUse {
  readonly budget: Budget;
  readonly committedAfterMicros: bigint;
  /** Whole percent of the cap used after the change, rounded down; `null` for a zero cap. */
  readonly percentAfter: bigint | null;
}

export type BudgetDecision =
  | { readonly allowed: true; readonly warnings: readonly string[]; readonly uses: readonly BudgetUse[] }
  | {
      readonly allowed: false;
      /** The first budget on the path (innermost first) that the change would break. */
      readonly breaking: Budget;
      /** Every budget the change would break, innermost first. */
      readonly allBreaking: readonly Budget[];
      readonly message: string;
      readonly warnings: readonly string[];
      readonly uses: readonly BudgetUse[];
    };

/** "team payments", "org acme", "cluster web": how messages name a budget's owner. */
export function budgetLabel(budget: Pick<Budget, 'scope' | 'name'>): string {
  return `${budget.scope} ${budget.name}`;
}

function percentOf(committedMicros: bigint, capMicros: bigint): bigint | null {
  if (capMicros <= 0n) return null;
  return (committedMicros * 100n) / capMicros;
}

function atOrAboveWarning(committedMicros: bigint, capMicros: bigint): boolean {
  return committedMicros * 100n >= capMicros * BUDGET_WARNING_PERCENT && committedMicros > 0n;
}

/** The warning for a budget at or over 80 % ("team payments is at 85% of its $5.00/mo budget"), or undefined. */
export function budgetWarning(budget: Budget, committedMicros: bigint): string | undefined {
  if (!atOrAboveWarning(committedMicros, budget.capMicros)) return undefined;
  const label = budgetLabel(budget);
  const cap = formatMonthlyMicros(budget.capMicros);
  if (committedMicros > budget.capMicros) {
    return `${label} is over its ${cap} budget with ${formatMonthlyMicros(committedMicros)} committed`;
  }
  return `${label} is at ${percentOf(committedMicros, budget.capMicros)}% of its ${cap} budget`;
}

/**
 * "Service default/web (LoadBalancer) adds $1.00/mo; team payments budget $5.00/mo has $4.50/mo committed".
 */
export function budgetDenialMessage(objectDescription: string, deltaMicros: bigint, budget: Budget): string {
  return `${objectDescription} adds ${formatMonthlyMicros(deltaMicros)}; ${budgetLabel(budget)} budget ${formatMonthlyMicros(budget.capMicros)} has ${formatMonthlyMicros(budget.committedMicros)} committed`;
}

/**
 * Decides a change costing `deltaMicros` against the budgets on its path (innermost first).
 * Changes that do not raise cost are always allowed. Warnings name every budget at or above
 * 80 % after the change (or over, for a budget lowered below what is committed).
 */
export function evaluateBudgets(path: readonly Budget[], deltaMicros: bigint, objectDescription: string): BudgetDecision {
  const uses: BudgetUse[] = path.map((budget) => {
    const committedAfterMicros = budget.committedMicros + deltaMicros;
    return { budget, committedAfterMicros, percentAfter: percentOf(committedAfterMicros, budget.capMicros) };
  });
  const allBreaking = deltaMicros > 0n ? uses.filter((use) => use.committedAfterMicros > use.budget.capMicros).map((use) => use.budget) : [];
  const breaking = allBreaking[0];
  if (breaking) {
    // A denied change commits nothing, so warnings describe the budgets as they stand.
    const warnings = path.map((budget) => budgetWarning(budget, budget.committedMicros)).filter((w): w is string => w !== undefined);
    return { allowed: false, breaking, allBreaking, message: budgetDenialMessage(objectDescription, deltaMicros, breaking), warnings, uses };
  }
  const warnings = uses.map((use) => budgetWarning(use.budget, use.committedAfterMicros)).filter((w): w is string => w !== undefined);
  return { allowed: true, warnings, uses };
}

/** "adds $1.00/mo; headroom: team payments $0.50/mo, org acme $95.50/mo" — for dry runs and the cost preview. */
export function describeHeadroom(path: readonly Budget[], deltaMicros: bigint): string {
  const headroom = path.map((budget) => `${budgetLabel(budget)} ${formatMonthlyMicros(budget.capMicros - budget.committedMicros)}`);
  const change = deltaMicros >= 0n ? `adds ${formatMonthlyMicros(deltaMicros)}` : `saves ${formatMonthlyMicros(-deltaMicros)}`;
  return headroom.length > 0 ? `${change}; headroom: ${headroom.join(', ')}` : change;
}

export interface BudgetChange {
  readonly description: string;
  readonly deltaMicros: bigint;
}

/**
 * Decides changes one after another as admission would (a multi-document manifest in the
 * cost preview, or a dry run of several objects): each admitted change is committed before
 * the next is decided, a denied one is not.
 */
export function evaluateBudgetSequence(path: readonly Budget[], changes: readonly BudgetChange[]): { decisions: BudgetDecision[]; path: Budget[] } {
  let current = [...path];
  const decisions: BudgetDecision[] = [];
  for (const change of changes) {
    const decision = evaluateBudgets(current, change.deltaMicros, change.description);
    decisions.push(decision);
    if (decision.allowed) current = current.map((budget) => ({ ...budget, committedMicros: budget.committedMicros + change.deltaMicros }));
  }
  return { decisions, path: current };
}
