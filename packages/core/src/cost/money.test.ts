import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideRoundHalfUp, formatMicros, formatMonthlyMicros, parseDollarsToMicros } from './money.js';

describe('formatMicros', () => {
  it.each([
    [0n, '$0.00'],
    [1_000_000n, '$1.00'],
    [4_500_000n, '$4.50'],
    [1_000n, '$0.001'],
    [1n, '$0.000001'],
    [1_500n, '$0.0015'],
    [9_999n, '$0.009999'],
    [10_000n, '$0.01'],
    [14_999n, '$0.01'],
    [15_000n, '$0.02'], // half up
    [12_345_670_000n, '$12,345.67'],
    [1_234_567_890_000n, '$1,234,567.89'],
    [999_995_000n, '$1,000.00'],
    [23_076_030n, '$23.08'],
    [-1_000_000n, '-$1.00'],
    [-1_000n, '-$0.001'],
    [100_000_000_000_000n, '$100,000,000.00'],
  ])('%s → %s', (micros, text) => {
    expect(formatMicros(micros)).toBe(text);
  });

  it('formats monthly amounts', () => {
    expect(formatMonthlyMicros(5_000_000n)).toBe('$5.00/mo');
  });

  it('never shows a non-zero amount as $0.00', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), (micros) => formatMicros(micros) !== '$0.00' && formatMicros(-micros) !== '-$0.00'));
  });

  it('is within half a cent of the exact amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (micros) => {
        const shown = parseDollarsToMicros(formatMicros(micros));
        const error = shown - micros;
        expect(error <= 5_000n && error > -5_000n).toBe(true);
      }),
    );
  });
});

describe('divideRoundHalfUp', () => {
  it.each([
    [5n, 10n, 1n],
    [4n, 10n, 0n],
    [15n, 10n, 2n],
    [14n, 10n, 1n],
    [0n, 7n, 0n],
    [-5n, 10n, 0n], // half up is towards +∞
    [-6n, 10n, -1n],
    [-15n, 10n, -1n],
    [7n, 1n, 7n],
  ])('%s / %s → %s', (n, d, q) => {
    expect(divideRoundHalfUp(n, d)).toBe(q);
  });

  it('rejects a non-positive denominator', () => {
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });

  it('is floor(n/d + 1/2)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (n, d) => {
        const q = divideRoundHalfUp(n, d);
        // q ≤ n/d + 1/2 < q + 1  ⇔  2qd ≤ 2n + d < 2(q+1)d
        expect(2n * q * d <= 2n * n + d).toBe(true);
        expect(2n * n + d < 2n * (q + 1n) * d).toBe(true);
      }),
    );
  });
});

describe('parseDollarsToMicros', () => {
  it.each([
    ['1', 1_000_000n],
    ['$1.00', 1_000_000n],
    ['0.001', 1_000n],
    ['12,345.67', 12_345_670_000n],
    ['-$4.5', -4_500_000n],
    ['0.000001', 1n],
  ])('%s → %s', (text, micros) => {
    expect(parseDollarsToMicros(text)).toBe(micros);
  });

  it.each([['1.0000001'], ['abc'], ['1,23'], [''], ['1e3'], ['$']])('rejects %j', (text) => {
    expect(() => parseDollarsToMicros(text)).toThrow(RangeError);
  });
});
