import { divideRoundHalfUp } from './money.js';

/**
 * Invoice math: monthly prices prorated over the time each object was active.
 *
 * An interval at monthly price P active for t milliseconds of a month of T milliseconds
 * costs P × t / T. Intervals are summed exactly per line (cluster, team, kind) and each line
 * is rounded once, half up, to the micro-dollar; the invoice total is the sum of its lines,
 * so an invoice always adds up. Summing before rounding also means that splitting an
 * interval (a price change, a worker restart mid-month) never changes the amount.
 * Proration uses the calendar month's real length, so February's days cost more than March's.
 */

export interface UsageInterval {
  readonly clusterId: string;
  readonly teamId: string;
  readonly kind: string;
  /** The object's monthly price while the interval lasted. */
  readonly priceMicros: bigint;
  readonly from: Date;
  /** Exclusive; null while the object still exists. */
  readonly to: Date | null;
}

export interface BillingPeriod {
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
}

export interface InvoiceLine {
  readonly clusterId: string;
  readonly teamId: string;
  readonly kind: string;
  /** Sum over the line's intervals of monthly price × milliseconds active (exact; divide by the period length for micro-dollars). */
  readonly priceMillisecondsMicros: bigint;
  readonly amountMicros: bigint;
}

export interface InvoiceDraft {
  readonly period: BillingPeriod;
  readonly lines: readonly InvoiceLine[];
  readonly totalMicros: bigint;
}

export class InvoiceError extends Error {
  override readonly name = 'InvoiceError';
}

/** The calendar month [first instant, first instant of next month) in UTC; `month` is 1–12. */
export function billingMonth(year: number, month: number): BillingPeriod {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) throw new InvoiceError(`invalid billing month ${year}-${month}`);
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

function lineKey(interval: Pick<UsageInterval, 'clusterId' | 'teamId' | 'kind'>): string {
  return JSON.stringify([interval.clusterId, interval.teamId, interval.kind]);
}

/** Prorates usage over one billing period into exact integer line items. */
export function draftInvoice(intervals: Iterable<UsageInterval>, period: BillingPeriod): InvoiceDraft {
  const periodStart = BigInt(period.start.getTime());
  const periodEnd = BigInt(period.end.getTime());
  const periodLength = periodEnd - periodStart;
  if (periodLength <= 0n) throw new InvoiceError('billing period must end after it starts');

  const sums = new Map<string, { clusterId: string; teamId: string; kind: string; priceMillisecondsMicros: bigint }>();
  for (const interval of intervals) {
    if (interval.priceMicros < 0n) throw new InvoiceError(`negative price for ${interval.kind} in cluster ${interval.clusterId}`);
    const from = BigInt(interval.from.getTime());
    // An open interval runs past the period, however late it started.
    const to = interval.to === null ? (periodEnd > from ? periodEnd : from) : BigInt(interval.to.getTime());
    if (to < from) throw new InvoiceError(`usage interval for ${interval.kind} in cluster ${interval.clusterId} ends before it starts`);
    const activeFrom = from > periodStart ? from : periodStart;
    const activeTo = to < periodEnd ? to : periodEnd;
    if (activeTo <= activeFrom) continue;
    const key = lineKey(interval);
    const sum = sums.get(key) ?? { clusterId: interval.clusterId, teamId: interval.teamId, kind: interval.kind, priceMillisecondsMicros: 0n };
    sum.priceMillisecondsMicros += interval.priceMicros * (activeTo - activeFrom);
    sums.set(key, sum);
  }

  const lines = [...sums.values()]
    .map((sum) => ({ ...sum, amountMicros: divideRoundHalfUp(sum.priceMillisecondsMicros, periodLength) }))
    .sort((a, b) => compareText(a.clusterId, b.clusterId) || compareText(a.teamId, b.teamId) || compareText(a.kind, b.kind));
  return { period, lines, totalMicros: lines.reduce((total, line) => total + line.amountMicros, 0n) };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Subtotals of an invoice's lines by cluster, team or kind; they add up to the invoice total. */
export function invoiceSubtotals(lines: readonly InvoiceLine[], by: 'clusterId' | 'teamId' | 'kind'): Map<string, bigint> {
  const subtotals = new Map<string, bigint>();
  for (const line of lines) subtotals.set(line[by], (subtotals.get(line[by]) ?? 0n) + line.amountMicros);
  return subtotals;
}
