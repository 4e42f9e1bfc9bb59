import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertTransition, reachedThreshold } from './budget-alerts.js';

const CAP = 10_000_000n; // $10

describe('reachedThreshold', () => {
  it.each([
    [null, 9_000_000n, 0],
    [0n, 1n, 0],
    [CAP, 0n, 0],
    [CAP, 4_999_999n, 0],
    [CAP, 5_000_000n, 50],
    [CAP, 7_999_999n, 50],
    [CAP, 8_000_000n, 80],
    [CAP, 10_000_000n, 100],
    [CAP, 25_000_000n, 100],
  ] as const)('cap %s, committed %s → %s', (cap, committed, expected) => {
    expect(reachedThreshold(cap, committed)).toBe(expected);
  });
});

describe('alertTransition', () => {
  it('announces the highest newly crossed threshold once', () => {
    expect(alertTransition(CAP, 0, 8_500_000n)).toEqual({ alertedPercent: 80, alertAt: 80 });
    expect(alertTransition(CAP, 80, 9_000_000n)).toEqual({ alertedPercent: 80, alertAt: null });
    expect(alertTransition(CAP, 80, 10_000_000n)).toEqual({ alertedPercent: 100, alertAt: 100 });
  });

  it('re-arms a threshold after falling below it', () => {
    expect(alertTransition(CAP, 100, 6_000_000n)).toEqual({ alertedPercent: 50, alertAt: null });
    expect(alertTransition(CAP, 50, 8_000_000n)).toEqual({ alertedPercent: 80, alertAt: 80 });
  });

  it('never alerts without a cap', () => {
    expect(alertTransition(null, 0, 99_000_000n)).toEqual({ alertedPercent: 0, alertAt: null });
  });

  it('alerts exactly once per upward crossing over any walk of committed amounts', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 15_000_000n }), { maxLength: 40 }), (walk) => {
        let alerted = 0;
        let previous = 0n;
        for (const committed of walk) {
          const { alertedPercent, alertAt } = alertTransition(CAP, alerted, committed);
          const before = reachedThreshold(CAP, previous);
          const after = reachedThreshold(CAP, committed);
          // An alert goes out iff the walk reached a higher threshold than announced before.
          expect(alertAt !== null).toBe(after > alerted);
          if (alertAt !== null) expect(alertAt).toBe(after);
          expect(alertedPercent).toBe(after);
          expect(after >= before || alertAt === null).toBe(true);
          alerted = alertedPercent;
          previous = committed;
        }
      }),
    );
  });
});
