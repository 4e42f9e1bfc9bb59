import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarsToMicros, microsToDollars } from './money-input';

describe('dollars in forms', () => {
  it.each([
    ['20', '20000000'],
    ['$19.99', '19990000'],
    ['1,234.5', '1234500000'],
    ['0.000001', '1'],
    ['  ', null],
  ])('%j → %j', (input, micros) => {
    expect(dollarsToMicros(input)).toBe(micros);
  });
  it.each(['-1', '1.0000001', 'abc', '1e3', '0x10'])('refuses %j', (input) => {
    expect(() => dollarsToMicros(input)).toThrow(/dollars/);
  });
  it('round-trips every micro amount exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (micros) => {
        expect(dollarsToMicros(microsToDollars(micros.toString()))).toBe(micros.toString());
      }),
    );
  });
});
