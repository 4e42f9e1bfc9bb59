/**
 * The operator's price book tool against a real Postgres: a price set from a future date
 * leaves today's book alone and applies from that date; an org override beats the platform;
 * bad input is refused with a reason and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { loadPriceBook } from './load-price-book.js';
import { PriceBookCommandError, runPriceBookCommand } from './price-book-command.js';

let db: TestDatabase;
let prisma: PrismaClient;
let orgId = '';
const NOW = new Date('2026-11-27T12:00:00Z');

const lbPrice = async (o: { orgId: string; at: Date }) => (await loadPriceBook(prisma, o)).rules.find((r) => r.key === 'service-load-balancer')?.priceMicros;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 2);
  await seedPlatformCatalog(prisma);
  orgId = (await prisma.organization.create({ data: { slug: 'acme', name: 'Acme' } })).id;
});

afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

describe('pricebook', () => {
  it('shows the rules in force', async () => {
    const lines = await runPriceBookCommand(prisma, ['show'], NOW);
    expect(lines[0]).toMatch(/^price book of the platform at 2026-11-27T12:00:00.000Z: \d+ rules$/);
    expect(lines.some((l) => /service-load-balancer\s+\$1\.00 per object\s+core\/Service when spec\.type = "LoadBalancer"/.test(l))).toBe(true);
  });

  it('versions a new price from a future date without changing the past', async () => {
    const out = await runPriceBookCommand(prisma, ['set-price', 'service-load-balancer', '1.50', '--from', '2026-12-01'], NOW);
    expect(out).toEqual(['service-load-balancer: $1.00 → $1.50 per object for the platform, effective 2026-12-01T00:00:00.000Z']);
    expect(await lbPrice({ orgId, at: NOW })).toBe(1_000_000n);
    expect(await lbPrice({ orgId, at: new Date('2026-12-02T00:00:00Z') })).toBe(1_500_000n);
  });

  it('lets an org override and waive platform rules', async () => {
    await runPriceBookCommand(prisma, ['set-price', 'service-load-balancer', '0.80', '--org', 'acme'], NOW);
    await runPriceBookCommand(prisma, ['retire', 'ingress', '--org', 'acme'], NOW);
    await runPriceBookCommand(prisma, ['region', 'us-east', '1.25', '--org', 'acme'], NOW);
    const book = await loadPriceBook(prisma, { orgId, at: new Date(NOW.getTime() + 1000) });
    expect(book.rules.find((r) => r.key === 'service-load-balancer')?.priceMicros).toBe(800_000n);
    expect(book.rules.some((r) => r.key === 'ingress')).toBe(false);
    expect(book.regionMultipliersPpm.get('us-east')).toBe(1_250_000n);
    const history = await runPriceBookCommand(prisma, ['history', '--org', 'acme'], NOW);
    expect(history[0]).toBe('3 entries in the book of org acme');
    expect(history.some((l) => l.includes('region  us-east ×1.25'))).toBe(true);
  });

  it('adds a rule from JSON', async () => {
    const rule = { key: 'gateway', description: 'Gateway', unit: 'object', priceMicros: '250000', apiGroup: 'gateway.networking.k8s.io', kind: 'Gateway' };
    await runPriceBookCommand(prisma, ['set-rule', JSON.stringify(rule)], NOW);
    expect((await loadPriceBook(prisma, { orgId, at: new Date(NOW.getTime() + 1) })).rules.find((r) => r.key === 'gateway')?.priceMicros).toBe(250_000n);
  });

  it('versions pricing settings: the platform floor, an org raising it, a region’s DaemonSet nodes', async () => {
    const later = new Date(NOW.getTime() + 2000);
    expect(await runPriceBookCommand(prisma, ['set', 'floor-cpu', '200m'], NOW)).toEqual([
      'floor-cpu 200m for the platform, effective 2026-11-27T12:00:00.000Z',
      'floor-cpu: 100m → 200m; run `npm run cost:check -- --fix` to reprice what is running',
    ]);
    const lowered = await runPriceBookCommand(prisma, ['set', 'floor-cpu', '50m', '--org', 'acme'], new Date(NOW.getTime() + 1000));
    expect(lowered[1]).toBe("note: floor-cpu stays 200m for org acme: an org's setting can raise the platform's, never lower it");
    await runPriceBookCommand(prisma, ['set', 'floor-memory', '512Mi', '--org', 'acme'], new Date(NOW.getTime() + 1000));
    await runPriceBookCommand(prisma, ['set', 'daemonset-nodes', '7', '--region', 'us-east'], NOW);
    const book = await loadPriceBook(prisma, { orgId, at: later });
    expect(book.requestFloor).toEqual({ cpuMillis: 200n, memoryBytes: 512n << 20n });
    expect(book.daemonSetNodes.byRegion.get('us-east')).toBe(7n);
    const shown = await runPriceBookCommand(prisma, ['show', '--org', 'acme', '--at', later.toISOString()], NOW);
    expect(shown).toContain('  setting daemonset-nodes 7 in region us-east');
    expect(shown.some((l) => l.startsWith('  setting floor-memory    512Mi'))).toBe(true);
  });

  it.each([
    [['set', 'floor-gpu', '1'], /unknown setting "floor-gpu"/],
    [['set', 'floor-cpu', 'lots'], /floor-cpu: /],
    [['set', 'floor-cpu', '-1'], /must not be negative/],
    [['set', 'daemonset-nodes', '2.5'], /whole number of nodes/],
    [['set', 'floor-cpu', '1', '--region', 'us-east'], /only daemonset-nodes is set per region/],
    [['set', 'daemonset-nodes', '3', '--region', 'mars'], /no region "mars"/],
    [['set-price', 'nope', '1'], /no rule "nope" is in force/],
    [['set-price', 'ingress', 'cheap'], /invalid dollar amount/],
    [['set-rule', '{"key":"x","description":"","unit":"object","priceMicros":"1"}'], /per-object rule must name a kind/],
    [['region', 'mars', '2'], /no region "mars"/],
    [['region', 'us-east', '-1'], /invalid multiplier/],
    [['show', '--org', 'ghost'], /no organisation with slug "ghost"/],
    [['show', '--at', 'yesterday'], /not a date/],
    [['explode'], /unknown command/],
  ])('refuses %j', async (argv, message) => {
    const before = await prisma.priceBookEntry.count();
    await expect(runPriceBookCommand(prisma, argv, NOW)).rejects.toThrow(PriceBookCommandError);
    await expect(runPriceBookCommand(prisma, argv, NOW)).rejects.toThrow(message);
    expect(await prisma.priceBookEntry.count()).toBe(before);
  });

  it('refuses a second entry for the same subject at the same instant', async () => {
    await runPriceBookCommand(prisma, ['set-price', 'ingress', '0.02', '--from', '2027-01-01'], NOW);
    await expect(runPriceBookCommand(prisma, ['set-price', 'ingress', '0.03', '--from', '2027-01-01'], NOW)).rejects.toThrow(/already|two price book entries/);
  });
});
