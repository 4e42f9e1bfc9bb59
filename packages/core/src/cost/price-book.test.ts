import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMORY_GIB_MONTH_MICROS,
  DEFAULT_PRICE_RULES,
  DEFAULT_STORAGE_GIB_MONTH_MICROS,
  DEFAULT_VCPU_MONTH_MICROS,
  defaultPlatformPriceBookEntries,
  type PriceBookEntry,
  PriceBookError,
  type PriceRule,
  PriceRuleSchema,
  priceBookAt,
  priceBookOf,
  validatePriceRule,
} from './price-book.js';

const day = (n: number) => new Date(Date.UTC(2025, 0, n));
const lb = (priceMicros: bigint): PriceRule => ({
  key: 'service-load-balancer',
  description: 'Service of type LoadBalancer',
  unit: 'object',
  priceMicros,
  apiGroup: '',
  kind: 'Service',
  conditions: [{ path: 'spec.type', op: 'equals', value: 'LoadBalancer' }],
});
const rule = (orgId: string | null, effectiveFrom: Date, priceMicros: bigint): PriceBookEntry => ({
  type: 'rule',
  orgId,
  effectiveFrom,
  rule: lb(priceMicros),
});
const priceOfLb = (entries: PriceBookEntry[], orgId: string | null, at: Date) =>
  priceBookAt(entries, orgId, at).rules.find((r) => r.key === 'service-load-balancer')?.priceMicros;

describe('OpenCost defaults', () => {
  it('converts hourly prices to exact monthly micro-dollars with 730 hours', () => {
    expect(DEFAULT_VCPU_MONTH_MICROS).toBe(23_076_030n); // $0.031611 × 730
    expect(DEFAULT_MEMORY_GIB_MONTH_MICROS).toBe(3_093_010n); // $0.004237 × 730
    expect(DEFAULT_STORAGE_GIB_MONTH_MICROS).toBe(40_000n);
  });

  it('prices a LoadBalancer at $1.00 and other Services at $0.001', () => {
    const byKey = new Map(DEFAULT_PRICE_RULES.map((r) => [r.key, r.priceMicros]));
    expect(byKey.get('service-load-balancer')).toBe(1_000_000n);
    expect(byKey.get('service-other')).toBe(1_000n);
  });

  it('is valid', () => {
    for (const r of DEFAULT_PRICE_RULES) expect(validatePriceRule(r)).toEqual([]);
    expect(priceBookAt(defaultPlatformPriceBookEntries(), 'acme', day(1)).rules.map((r) => r.key)).toEqual([
      'cpu',
      'ingress',
      'memory',
      'service-load-balancer',
      'service-other',
      'storage',
    ]);
  });
});

describe('priceBookAt', () => {
  // platform $1 from day 1, $2 from day 10; acme override $0.50 from day 5; acme retires it on day 20.
  const entries: PriceBookEntry[] = [
    rule(null, day(1), 1_000_000n),
    rule(null, day(10), 2_000_000n),
    rule('acme', day(5), 500_000n),
    { type: 'retire-rule', orgId: 'acme', effectiveFrom: day(20), ruleKey: 'service-load-balancer' },
    rule('globex', day(2), 10n),
  ];

  it.each([
    ['platform before anything', null, day(0), undefined],
    ['platform on day 1 (inclusive)', null, day(1), 1_000_000n],
    ['platform on day 9', null, day(9), 1_000_000n],
    ['platform on day 10', null, day(10), 2_000_000n],
    ['acme before its override', 'acme', day(4), 1_000_000n],
    ['acme at its override', 'acme', day(5), 500_000n],
    ['acme keeps its override after the platform price rises', 'acme', day(15), 500_000n],
    ['acme after retiring the rule', 'acme', day(20), undefined],
    ['an org without overrides follows the platform', 'initech', day(15), 2_000_000n],
    ['another org’s override does not leak', 'initech', day(3), 1_000_000n],
    ['globex sees its own override', 'globex', day(3), 10n],
  ])('%s', (_name, orgId, at, expected) => {
    expect(priceOfLb(entries, orgId, at)).toBe(expected);
  });

  it('is independent of entry order', () => {
    const reversed = [...entries].reverse();
    for (const at of [day(1), day(5), day(10), day(20)]) {
      expect(priceBookAt(reversed, 'acme', at)).toEqual(priceBookAt(entries, 'acme', at));
    }
  });

  it('a platform retirement removes the rule, a later entry restores it', () => {
    const e: PriceBookEntry[] = [
      rule(null, day(1), 1n),
      { type: 'retire-rule', orgId: null, effectiveFrom: day(2), ruleKey: 'service-load-balancer' },
      rule(null, day(3), 3n),
    ];
    expect(priceOfLb(e, null, day(2))).toBeUndefined();
    expect(priceOfLb(e, null, day(3))).toBe(3n);
  });

  it('rejects two entries for the same key, scope and instant', () => {
    expect(() => priceBookAt([rule(null, day(1), 1n), rule(null, day(1), 2n)], null, day(2))).toThrow(PriceBookError);
  });

  it('ignores ambiguity that is not yet in force, or in another org', () => {
    expect(priceOfLb([rule(null, day(1), 1n), rule(null, day(9), 2n), rule(null, day(9), 3n)], null, day(5))).toBe(1n);
    expect(priceOfLb([rule(null, day(1), 1n), rule('x', day(1), 2n), rule('x', day(1), 3n)], 'y', day(5))).toBe(1n);
  });

  it('rejects an invalid rule in force', () => {
    expect(() => priceBookAt([rule(null, day(1), -1n)], null, day(1))).toThrow(/must not be negative/);
  });

  it('versions region multipliers the same way', () => {
    const e: PriceBookEntry[] = [
      { type: 'region-multiplier', orgId: null, effectiveFrom: day(1), region: 'eu-west', multiplierPpm: 1_100_000n },
      { type: 'region-multiplier', orgId: 'acme', effectiveFrom: day(2), region: 'eu-west', multiplierPpm: 1_000_000n },
    ];
    expect(priceBookAt(e, 'acme', day(1)).regionMultipliersPpm.get('eu-west')).toBe(1_100_000n);
    expect(priceBookAt(e, 'acme', day(2)).regionMultipliersPpm.get('eu-west')).toBe(1_000_000n);
    expect(priceBookAt(e, null, day(2)).regionMultipliersPpm.get('eu-west')).toBe(1_100_000n);
    expect(priceBookAt(e, null, day(0)).regionMultipliersPpm.size).toBe(0);
    expect(() => priceBookOf([], { x: -1n })).toThrow(PriceBookError);
  });
});

describe('validatePriceRule', () => {
  const base: PriceRule = { key: 'k', description: '', unit: 'object', priceMicros: 1n, kind: 'Service' };
  it.each([
    ['valid', base, 0],
    ['empty key', { ...base, key: ' ' }, 1],
    ['negative price', { ...base, priceMicros: -1n }, 1],
    ['object rule without kind', { ...base, kind: undefined }, 1],
    ['cluster rule on another kind', { ...base, unit: 'cluster-month', kind: 'Pod' } as PriceRule, 1],
    ['cluster rule without kind', { ...base, unit: 'cluster-month', kind: undefined } as PriceRule, 0],
    ['unknown unit', { ...base, unit: 'per-hour' as never }, 1],
  ])('%s', (_name, r, problems) => {
    expect(validatePriceRule(r)).toHaveLength(problems);
  });
});

describe('PriceRuleSchema', () => {
  it('parses money from a string of digits into BigInt', () => {
    const parsed = PriceRuleSchema.parse({
      key: 'lb',
      description: 'LB',
      unit: 'object',
      priceMicros: '1000000',
      kind: 'Service',
      conditions: [{ path: 'spec.type', op: 'in', values: ['LoadBalancer'] }],
    });
    expect(parsed.priceMicros).toBe(1_000_000n);
  });

  it.each([
    [{ key: 'lb', description: '', unit: 'object', priceMicros: '1.5', kind: 'Service' }],
    [{ key: 'lb', description: '', unit: 'object', priceMicros: 1.5, kind: 'Service' }],
    [{ key: 'lb', description: '', unit: 'object', priceMicros: '-1', kind: 'Service' }],
    [{ key: 'lb', description: '', unit: 'object', priceMicros: '1' }],
    [{ key: '', description: '', unit: 'object', priceMicros: '1', kind: 'Service' }],
    [{ key: 'lb', description: '', unit: 'weekly', priceMicros: '1', kind: 'Service' }],
    [{ key: 'lb', description: '', unit: 'object', priceMicros: '1', kind: 'Service', conditions: [{ path: 'x', op: 'like' }] }],
  ])('rejects %j', (input) => {
    expect(PriceRuleSchema.safeParse(input).success).toBe(false);
  });
});

describe('pricing settings', () => {
  const setting = (
    orgId: string | null,
    name: 'floor-cpu' | 'floor-memory' | 'daemonset-nodes',
    value: bigint,
    from = day(1),
    region?: string,
  ): PriceBookEntry => ({ type: 'setting', orgId, effectiveFrom: from, setting: name, value, ...(region !== undefined ? { region } : {}) });

  it('starts from the built-in values', () => {
    const book = priceBookAt([], 'acme', day(5));
    expect(book.requestFloor).toEqual({ cpuMillis: 100n, memoryBytes: 128n << 20n });
    expect(book.daemonSetNodes.default).toBe(3n);
    expect(book.daemonSetNodes.byRegion.size).toBe(0);
  });

  it.each([
    ['the platform lowers its own floor', [setting(null, 'floor-cpu', 50n)], 50n],
    ['an org raises the floor for itself', [setting('acme', 'floor-cpu', 250n)], 250n],
    ['an org cannot lower it below the platform built-in', [setting('acme', 'floor-cpu', 10n)], 100n],
    ['an org cannot lower it below the platform entry', [setting(null, 'floor-cpu', 200n), setting('acme', 'floor-cpu', 150n)], 200n],
    ['another org’s raise does not apply', [setting('other', 'floor-cpu', 900n)], 100n],
    ['a later entry is in force from its date', [setting(null, 'floor-cpu', 200n), setting(null, 'floor-cpu', 300n, day(9))], 200n],
  ])('%s', (_name, entries, cpuMillis) => {
    expect(priceBookAt(entries, 'acme', day(5)).requestFloor.cpuMillis).toBe(cpuMillis);
  });

  it('counts DaemonSet nodes per region, each scope falling back to its every-region value', () => {
    const book = priceBookAt(
      [setting(null, 'daemonset-nodes', 5n), setting(null, 'daemonset-nodes', 12n, day(1), 'eu'), setting('acme', 'daemonset-nodes', 8n)],
      'acme',
      day(5),
    );
    expect(book.daemonSetNodes.default).toBe(8n);
    expect(book.daemonSetNodes.byRegion.get('eu')).toBe(12n);
  });

  it('rejects bad settings', () => {
    expect(() => priceBookAt([setting(null, 'floor-cpu', -1n)], null, day(5))).toThrow(PriceBookError);
    expect(() => priceBookAt([setting(null, 'floor-cpu', 1n, day(1), 'eu')], null, day(5))).toThrow(/only daemonset-nodes/);
    expect(() => priceBookAt([setting(null, 'floor-cpu', 1n), setting(null, 'floor-cpu', 2n)], null, day(5))).toThrow(/two price book entries/);
  });
});
