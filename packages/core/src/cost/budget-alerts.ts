/**
 * Budget alerts: admins hear about a budget when its run-rate crosses 50 %, 80 % and 100 % of
 * the cap — once per crossing, not on every change. A budget remembers the highest threshold
 * already announced (`alertedPercent`); falling back below a threshold re-arms it.
 */

export const BUDGET_ALERT_THRESHOLDS = [50, 80, 100] as const;
export type BudgetAlertThreshold = (typeof BUDGET_ALERT_THRESHOLDS)[number];

/** The highest threshold `committedMicros` reaches on `capMicros` (0 below 50 %, or without a positive cap). */
export function reachedThreshold(capMicros: bigint | null, committedMicros: bigint): 0 | BudgetAlertThreshold {
  if (capMicros === null || capMicros <= 0n || committedMicros <= 0n) return 0;
  let reached: 0 | BudgetAlertThreshold = 0;
  for (const t of BUDGET_ALERT_THRESHOLDS) if (committedMicros * 100n >= capMicros * BigInt(t)) reached = t;
  return reached;
}

/**
 * What a budget's alert state becomes after its committed amount changes to `committedAfterMicros`:
 * `alertAt` is the threshold to announce now (the highest newly crossed), or null.
 */
export function alertTransition(
  capMicros: bigint | null,
  alertedPercent: number,
  committedAfterMicros: bigint,
): { alertedPercent: number; alertAt: BudgetAlertThreshold | null } {
  const reached = reachedThreshold(capMicros, committedAfterMicros);
  if (reached > alertedPercent) return { alertedPercent: reached, alertAt: reached as BudgetAlertThreshold };
  return { alertedPercent: reached, alertAt: null };
}
