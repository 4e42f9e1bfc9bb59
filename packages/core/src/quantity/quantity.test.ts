import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQuantities,
  formatBytes,
  formatCpuMillis,
  parseBytes,
  parseCpuMillis,
  parseQuantity,
  QuantityError,
  quantityOf,
  quantityToMillis,
  quantityToUnits,
} from './quantity.js';

const GI = 1n << 30n;
const MI = 1n << 20n;

describe('parseCpuMillis', () => {
  it.each([
    ['500m', 500n],
    ['2', 2000n],
    ['1.5', 1500n],
    ['0.1', 100n],
    ['.5', 500n],
    ['1.', 1000n],
    ['0', 0n],
    ['+1', 1000n],
    ['1e3', 1_000_000n],
    ['1E3', 1_000_000n],
    ['1e-3', 1n],
    ['1e+2', 100_000n],
    ['1k', 1_000_000n],
    ['250m', 250n],
    ['0.0001', 1n], // finer than a milli-CPU rounds up, as the API server does
    ['1.5m', 2n],
    ['0.5m', 1n],
    ['100000m', 100_000n],
    ['007', 7000n],
  ])('%s → %s milli-CPU', (text, millis) => {
    expect(parseCpuMillis(text)).toBe(millis);
  });
});

describe('parseBytes', () => {
  it.each([
    ['1Gi', GI],
    ['512Mi', 512n * MI],
    ['0.5Gi', GI / 2n],
    ['1.5Gi', (3n * GI) / 2n],
    ['1Ki', 1024n],
    ['1Ti', 1n << 40n],
    ['1Pi', 1n << 50n],
    ['1Ei', 1n << 60n],
    ['1k', 1000n],
    ['1M', 1_000_000n],
    ['1G', 1_000_000_000n],
    ['1T', 10n ** 12n],
    ['1P', 10n ** 15n],
    ['1E', 10n ** 18n],
    ['1e9', 1_000_000_000n],
    ['128974848', 128_974_848n],
    ['129e6', 129_000_000n],
    ['123Mi', 123n * MI],
    ['1m', 1n], // a milli-byte is rounded up to a byte
    ['0.1', 1n],
    ['0', 0n],
  ])('%s → %s bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });
});

describe('malformed quantities', () => {
  it.each([
    [''],
    [' 1'],
    ['1 '],
    ['1 Gi'],
    ['.'],
    ['-'],
    ['+'],
    ['1..5'],
    ['1.5.'],
    ['abc'],
    ['1gi'],
    ['1GB'],
    ['1Kb'],
    ['1K'], // Kubernetes spells kilo with a lower-case k
    ['1e'],
    ['1e1.5'],
    ['1ee3'],
    ['e3'],
    ['1e999'],
    ['1e-999'],
    ['0x10'],
    ['1_000'],
    ['∞'],
    ['NaN'],
    ['1'.repeat(65)],
  ])('%j is rejected with a QuantityError', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
  });

  it('names the input in the message', () => {
    expect(() => parseQuantity('12parsecs')).toThrow(/invalid quantity "12parsecs"/);
  });

  it('rejects negative requests but parses negative quantities', () => {
    expect(parseQuantity('-1')).toEqual({ numerator: -1n, denominator: 1n });
    expect(() => parseCpuMillis('-500m')).toThrow(/must not be negative/);
    expect(() => parseBytes('-1Gi')).toThrow(QuantityError);
  });

  it('rejects non-string input from untyped JSON', () => {
    expect(() => parseQuantity(5 as unknown as string)).toThrow(QuantityError);
  });
});

describe('exact representation', () => {
  it('keeps fractions exact and reduced', () => {
    expect(parseQuantity('1.5')).toEqual({ numerator: 3n, denominator: 2n });
    expect(parseQuantity('500m')).toEqual({ numerator: 1n, denominator: 2n });
    expect(parseQuantity('0.000')).toEqual({ numerator: 0n, denominator: 1n });
    expect(parseQuantity('1e-3')).toEqual({ numerator: 1n, denominator: 1000n });
  });

  it('rounds negative values towards +∞ like Kubernetes', () => {
    expect(quantityToMillis(parseQuantity('-1.5m'))).toBe(-1n);
    expect(quantityToUnits(parseQuantity('-1.5'))).toBe(-1n);
  });

  it('rejects a zero denominator', () => {
    expect(() => quantityOf(1n, 0n)).toThrow(RangeError);
  });

  it.each([
    ['1', '1000m', 0],
    ['1Gi', '1G', 1],
    ['1k', '1Ki', -1],
    ['0.5', '499m', 1],
    ['1e3', '1k', 0],
    ['-1', '0', -1],
  ])('compare(%s, %s) = %d', (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a), parseQuantity(b))).toBe(expected);
  });
});

describe('formatting', () => {
  it.each([
    [0n, '0'],
    [500n, '500m'],
    [1000n, '1'],
    [1500n, '1500m'],
    [64000n, '64'],
  ])('formatCpuMillis(%s) = %s', (millis, text) => {
    expect(formatCpuMillis(millis)).toBe(text);
  });

  it.each([
    [0n, '0'],
    [1n, '1'],
    [1000n, '1000'],
    [1024n, '1Ki'],
    [GI, '1Gi'],
    [GI + GI / 2n, '1536Mi'],
    [1n << 60n, '1Ei'],
  ])('formatBytes(%s) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('properties', () => {
  const nonNegative = fc.bigInt({ min: 0n, max: 1n << 62n });

  it('formatCpuMillis round-trips through parseCpuMillis', () => {
    fc.assert(fc.property(nonNegative, (millis) => parseCpuMillis(formatCpuMillis(millis)) === millis));
  });

  it('formatBytes round-trips through parseBytes', () => {
    fc.assert(fc.property(nonNegative, (bytes) => parseBytes(formatBytes(bytes)) === bytes));
  });

  it('decimal text of an exact value parses back to that value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }), (scaled, decimals) => {
        const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(decimals + 1, '0');
        const text = `${scaled < 0n ? '-' : ''}${digits.slice(0, digits.length - decimals)}${decimals > 0 ? `.${digits.slice(-decimals)}` : ''}`;
        const expected = quantityOf(scaled, 10n ** BigInt(decimals));
        expect(parseQuantity(text)).toEqual(expected);
      }),
    );
  });

  it('the same value written with different suffixes is equal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 40n }), (n) => {
        const forms = [`${n}Ki`, `${n * 1024n}`, `${n * 1024n}e0`, `${n * 1024n * 1000n}m`, `${n * 1024n}000e-3`];
        const parsed = forms.map(parseQuantity);
        for (const q of parsed) expect(compareQuantities(q, parsed[0]!)).toBe(0);
      }),
    );
  });

  it('ordering of integers is preserved, and conversion to millis and bytes is monotone', () => {
    const suffix = fc.constantFrom('', 'm', 'k', 'M', 'Ki', 'Mi', 'Gi', 'e2', 'e-2');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), suffix, fc.bigInt({ min: 0n, max: 10n ** 12n }), suffix, (a, sa, b, sb) => {
        const qa = parseQuantity(`${a}${sa}`);
        const qb = parseQuantity(`${b}${sb}`);
        const order = compareQuantities(qa, qb);
        // `0 - order`, not `-order`: equal quantities compare 0, and -0 is not Object.is-equal to 0.
        expect(compareQuantities(qb, qa)).toBe(0 - order);
        if (order <= 0) {
          expect(quantityToMillis(qa) <= quantityToMillis(qb)).toBe(true);
          expect(quantityToUnits(qa) <= quantityToUnits(qb)).toBe(true);
        }
        if (sa === sb) expect(order).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it('rounding up never under-counts: millis/1000 ≥ value > (millis-1)/1000', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 9 }), (n, decimals) => {
        const q = quantityOf(n, 10n ** BigInt(decimals));
        const millis = quantityToMillis(q);
        expect(millis * q.denominator >= q.numerator * 1000n).toBe(true);
        expect((millis - 1n) * q.denominator < q.numerator * 1000n).toBe(true);
      }),
    );
  });
});
