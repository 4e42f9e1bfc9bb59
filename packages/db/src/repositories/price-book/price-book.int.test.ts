/**
 * The price book in Postgres: core's entries round-trip exactly (rule payloads through core's
 * schema), org overrides and retirements apply to their org only, effective dates select the
 * version in force, and the seed writes the platform defaults once.
 */
import { DEFAULT_PRICE_RULES, PPM, type PriceBookEntry, PriceBookError, priceBookAt, priceObject } from '@atrium/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { addPriceBookEntries } from './add-price-book-entries.js';
import { loadPriceBook } from './load-price-book.js';

let tdb: TestDatabase;
let db: PrismaClient;
let acme = '';
let other = '';
const JAN = new Date('2026-01-01T00:00:00Z');
const JUN = new Date('2026-06-01T00:00:00Z');
const lb = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer' } };

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 2);
  acme = (await db.organization.create({ data: { slug: 'acme', name: 'Acme' } })).id;
  other = (await db.organization.create({ data: { slug: 'other', name: 'Other' } })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await tdb?.drop();
});

describe('price book storage', () => {
  it('seeds the platform defaults once, and loads them as core builds them', async () => {
    await seedPlatformCatalog(db);
    await seedPlatformCatalog(db);
    expect(await db.priceBookEntry.count()).toBe(DEFAULT_PRICE_RULES.length);
    const book = await loadPriceBook(db, { orgId: acme, at: JAN });
    expect(book.rules).toEqual([...DEFAULT_PRICE_RULES].sort((a, b) => (a.key < b.key ? -1 : 1)));
    expect(priceObject(lb, book).priceMicros).toBe(1_000_000n);
  });

  it('round-trips every entry type, with an org override and an effective date', async () => {
    const lbRule = DEFAULT_PRICE_RULES.find((r) => r.key === 'service-load-balancer')!;
    const entries: PriceBookEntry[] = [
      // From June the platform charges $1.50 for a load balancer…
      { type: 'rule', orgId: null, effectiveFrom: JUN, rule: { ...lbRule, priceMicros: 1_500_000n } },
      // …but acme's agreed price is $0.80 from January.
      { type: 'rule', orgId: acme, effectiveFrom: JAN, rule: { ...lbRule, priceMicros: 800_000n } },
      { type: 'retire-rule', orgId: acme, effectiveFrom: JUN, ruleKey: 'ingress' },
      { type: 'region-multiplier', orgId: null, effectiveFrom: JAN, region: 'eu-west', multiplierPpm: 1_250_000n },
    ];
    expect(await addPriceBookEntries(db, entries)).toBe(4);
    expect(await addPriceBookEntries(db, entries)).toBe(0);

    const stored = await db.priceBookEntry.findMany({ where: { effectiveFrom: { gt: new Date(0) } }, orderBy: { subject: 'asc' } });
    expect(stored.map((r) => [r.type, r.orgId === acme ? 'acme' : r.orgId, r.subject])).toEqual([
      ['region_multiplier', null, 'region:eu-west'],
      ['retire_rule', 'acme', 'rule:ingress'],
      ['rule', null, 'rule:service-load-balancer'],
      ['rule', 'acme', 'rule:service-load-balancer'],
    ]);
    // Money is stored as an exact digit string in the rule payload, never a float.
    expect(stored.find((r) => r.orgId === acme && r.type === 'rule')!.rule).toMatchObject({ priceMicros: '800000' });

    const seeded = await db.priceBookEntry.findMany({ where: { effectiveFrom: new Date(0) } });
    const all = [...seeded, ...stored];
    expect(all).toHaveLength(DEFAULT_PRICE_RULES.length + 4);
    const price = async (orgId: string, at: Date, region?: string) =>
      priceObject(lb, await loadPriceBook(db, { orgId, at }), region ? { region } : {}).priceMicros;

    expect(await price(other, JAN)).toBe(1_000_000n);
    expect(await price(other, JUN)).toBe(1_500_000n);
    expect(await price(acme, JAN)).toBe(800_000n);
    expect(await price(acme, JUN)).toBe(800_000n);
    expect(await price(acme, JUN, 'eu-west')).toBe(1_000_000n);
    // Before any dated entry, the epoch defaults are in force for everyone.
    expect(await price(acme, new Date('2025-12-31T23:59:59Z'))).toBe(1_000_000n);

    const acmeJune = await loadPriceBook(db, { orgId: acme, at: JUN });
    expect(acmeJune.rules.map((r) => r.key)).not.toContain('ingress');
    expect((await loadPriceBook(db, { orgId: other, at: JUN })).rules.map((r) => r.key)).toContain('ingress');
    expect(acmeJune.regionMultipliersPpm.get('eu-west')).toBe(1_250_000n);
    expect(acmeJune.regionMultipliersPpm.get('us-east') ?? PPM).toBe(PPM);
  });

  it('refuses invalid entries on write and inconsistent rows on read', async () => {
    const bad = { type: 'rule', orgId: acme, effectiveFrom: JUN, rule: { key: 'x', description: '', unit: 'object', priceMicros: 1n } } as const;
    await expect(addPriceBookEntries(db, [bad])).rejects.toThrow(PriceBookError);
    await expect(addPriceBookEntries(db, [{ type: 'region-multiplier', orgId: null, effectiveFrom: JUN, region: 'x', multiplierPpm: -1n }])).rejects.toThrow(
      /must not be negative/,
    );
    const row = await db.priceBookEntry.create({
      data: { orgId: other, type: 'rule', subject: 'rule:broken', effectiveFrom: JAN, rule: { key: 'broken', unit: 'object', priceMicros: '-5' } },
    });
    await expect(loadPriceBook(db, { orgId: other, at: JUN })).rejects.toThrow(`price book entry ${row.id}: invalid price rule`);
    // Another org's broken row does not affect acme.
    expect((await loadPriceBook(db, { orgId: acme, at: JUN })).rules.length).toBeGreaterThan(0);
    await db.priceBookEntry.delete({ where: { id: row.id } });
  });

  it('loads what priceBookAt would build from the same entries', async () => {
    const book = await loadPriceBook(db, { orgId: acme, at: JUN });
    const lbRule = DEFAULT_PRICE_RULES.find((r) => r.key === 'service-load-balancer')!;
    const expected = priceBookAt(
      [
        ...DEFAULT_PRICE_RULES.map((rule) => ({ type: 'rule' as const, orgId: null, effectiveFrom: new Date(0), rule })),
        { type: 'rule', orgId: acme, effectiveFrom: JAN, rule: { ...lbRule, priceMicros: 800_000n } },
        { type: 'retire-rule', orgId: acme, effectiveFrom: JUN, ruleKey: 'ingress' },
        { type: 'region-multiplier', orgId: null, effectiveFrom: JAN, region: 'eu-west', multiplierPpm: 1_250_000n },
      ],
      acme,
      JUN,
    );
    expect(book).toEqual(expected);
  });
});
