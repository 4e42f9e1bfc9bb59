import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billingMonth, draftInvoice, InvoiceError, invoiceSubtotals, type UsageInterval } from './invoice.js';

const march = billingMonth(2025, 3); // 31 days
const at = (day: number, hour = 0) => new Date(Date.UTC(2025, 2, day, hour));
const usage = (priceMicros: bigint, from: Date, to: Date | null, extra: Partial<UsageInterval> = {}): UsageInterval => ({
  clusterId: 'c1',
  teamId: 't1',
  kind: 'Service',
  priceMicros,
  from,
  to,
  ...extra,
});

describe('billingMonth', () => {
  it.each([
    [2025, 1, '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'],
    [2024, 2, '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    [2025, 12, '2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ])('%d-%d', (year, month, start, end) => {
    const period = billingMonth(year, month);
    expect(period.start.toISOString()).toBe(start);
    expect(period.end.toISOString()).toBe(end);
  });

  it.each([
    [2025, 0],
    [2025, 13],
    [2025, 1.5],
  ])('rejects %d-%d', (year, month) => {
    expect(() => billingMonth(year, month)).toThrow(InvoiceError);
  });
});

describe('draftInvoice: table', () => {
  it.each([
    ['whole month costs the monthly price', [usage(1_000_000n, at(1), null)], 1_000_000n],
    ['created before the month, still running', [usage(1_000_000n, new Date(Date.UTC(2024, 0, 1)), null)], 1_000_000n],
    ['deleted before the month', [usage(1_000_000n, new Date(Date.UTC(2025, 0, 1)), at(1))], 0n],
    ['created after the month', [usage(1_000_000n, new Date(Date.UTC(2025, 3, 1)), null)], 0n],
    ['one day of 31', [usage(31_000_000n, at(10), at(11))], 1_000_000n],
    ['half a day of 31 rounds half up', [usage(1_000_000n, at(10), at(10, 12))], 16_129n], // 16129.03
    ['one hour of a $1 price', [usage(1_000_000n, at(2), at(2, 1))], 1_344n], // 1344.086
    ['zero-length interval', [usage(1_000_000n, at(2), at(2))], 0n],
    ['free object', [usage(0n, at(1), null)], 0n],
    ['split intervals are summed before rounding', [usage(1_000_000n, at(10), at(10, 12)), usage(1_000_000n, at(10, 12), at(11))], 32_258n], // 32258.06, not 2 × 16129
    [
      'a price change mid-month',
      [usage(1_000_000n, at(1), at(16, 12)), usage(3_000_000n, at(16, 12), null)], // 15.5 days at $1, 15.5 days at $3
      2_000_000n,
    ],
  ])('%s', (_name, intervals, total) => {
    const invoice = draftInvoice(intervals, march);
    expect(invoice.totalMicros).toBe(total);
    expect(invoice.lines.reduce((sum, line) => sum + line.amountMicros, 0n)).toBe(invoice.totalMicros);
  });

  it('February’s days cost more than March’s', () => {
    const feb = billingMonth(2025, 2);
    const day = (period: typeof feb) => draftInvoice([usage(28_000_000n, period.start, new Date(period.start.getTime() + 86_400_000))], period).totalMicros;
    expect(day(feb)).toBe(1_000_000n);
    expect(day(march)).toBe(903_226n); // 28/31
  });

  it('makes one line per cluster, team and kind, sorted, with subtotals that add up', () => {
    const invoice = draftInvoice(
      [
        usage(1_000_000n, at(1), null, { clusterId: 'c2', kind: 'Service' }),
        usage(1_000n, at(1), null, { clusterId: 'c1', kind: 'Service' }),
        usage(23_076_030n, at(1), null, { clusterId: 'c1', kind: 'Deployment' }),
        usage(1_000n, at(1), null, { clusterId: 'c1', kind: 'Service' }),
        usage(40_000n, at(1), null, { clusterId: 'c3', teamId: 't2', kind: 'PersistentVolumeClaim' }),
      ],
      march,
    );
    expect(invoice.lines.map((line) => [line.clusterId, line.teamId, line.kind, line.amountMicros])).toEqual([
      ['c1', 't1', 'Deployment', 23_076_030n],
      ['c1', 't1', 'Service', 2_000n],
      ['c2', 't1', 'Service', 1_000_000n],
      ['c3', 't2', 'PersistentVolumeClaim', 40_000n],
    ]);
    expect(invoiceSubtotals(invoice.lines, 'teamId')).toEqual(
      new Map([
        ['t1', 24_078_030n],
        ['t2', 40_000n],
      ]),
    );
    expect(invoiceSubtotals(invoice.lines, 'kind').get('Service')).toBe(1_002_000n);
    expect(invoice.totalMicros).toBe(24_118_030n);
  });

  it.each([
    ['negative price', [usage(-1n, at(1), null)]],
    ['interval ending before it starts', [usage(1n, at(2), at(1))]],
  ])('rejects %s', (_name, intervals) => {
    expect(() => draftInvoice(intervals, march)).toThrow(InvoiceError);
  });

  it('rejects an empty period', () => {
    expect(() => draftInvoice([], { start: at(1), end: at(1) })).toThrow(InvoiceError);
  });
});

describe('draftInvoice: properties', () => {
  const monthMs = march.end.getTime() - march.start.getTime();
  const offsetArb = fc.integer({ min: -monthMs, max: 2 * monthMs });
  const intervalArb = fc
    .record({
      cluster: fc.constantFrom('c1', 'c2', 'c3'),
      team: fc.constantFrom('t1', 't2'),
      kind: fc.constantFrom('Service', 'Deployment', 'PersistentVolumeClaim'),
      priceMicros: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      a: offsetArb,
      b: fc.option(offsetArb, { nil: undefined }),
    })
    .map(({ cluster, team, kind, priceMicros, a, b }) => {
      const from = march.start.getTime() + Math.min(a, b ?? a);
      const to = b === undefined ? null : new Date(march.start.getTime() + Math.max(a, b));
      return usage(priceMicros, new Date(from), to, { clusterId: cluster, teamId: team, kind });
    });

  it('the total is the sum of the lines and of every subtotal grouping', () => {
    fc.assert(
      fc.property(fc.array(intervalArb, { maxLength: 30 }), (intervals) => {
        const invoice = draftInvoice(intervals, march);
        expect(invoice.lines.reduce((sum, line) => sum + line.amountMicros, 0n)).toBe(invoice.totalMicros);
        for (const by of ['clusterId', 'teamId', 'kind'] as const) {
          expect([...invoiceSubtotals(invoice.lines, by).values()].reduce((a, b) => a + b, 0n)).toBe(invoice.totalMicros);
        }
      }),
    );
  });

  it('splitting an interval at any instant never changes the invoice', () => {
    fc.assert(
      fc.property(intervalArb, fc.integer({ min: 0, max: 1_000_000 }), (interval, fraction) => {
        const from = interval.from.getTime();
        const to = interval.to?.getTime() ?? Math.max(from, march.end.getTime()) + 1000;
        const cut = new Date(from + Math.floor(((to - from) * fraction) / 1_000_000));
        const whole = draftInvoice([{ ...interval, to: new Date(to) }], march);
        const split = draftInvoice(
          [
            { ...interval, to: cut },
            { ...interval, from: cut, to: new Date(to) },
          ],
          march,
        );
        expect(split.totalMicros).toBe(whole.totalMicros);
      }),
    );
  });

  it('an object never costs more than its monthly price in a month, and a full month costs exactly that', () => {
    fc.assert(
      fc.property(intervalArb, (interval) => {
        const amount = draftInvoice([interval], march).totalMicros;
        expect(amount >= 0n && amount <= interval.priceMicros).toBe(true);
        expect(draftInvoice([{ ...interval, from: march.start, to: null }], march).totalMicros).toBe(interval.priceMicros);
      }),
    );
  });
});
