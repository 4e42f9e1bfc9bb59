/**
 * The cost pages' read queries on a real Postgres, over amounts written by the real cost
 * ledger: the breakdown of a node by cluster, namespace and kind (a team's includes its
 * sub-teams' clusters, never a sibling's), run-rate history from the ledger's snapshots,
 * alerts of a subtree with only the current crossing active, refusals of a subtree. Every
 * query is confined to one org: another org's team or cluster id is simply not found.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { applyCostDelta, lockCostPath, type ObjectPriceKey, recordBudgetDenial, recordPrice, releaseClusterCost } from '../../cost-ledger.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { listBudgetAlerts, listCurrentBudgetAlerts } from './budget-alerts.js';
import { listBudgetDenials } from './budget-denials.js';
import { getCostBreakdown } from './cost-breakdown.js';
import { getRunRateHistory } from './run-rate-history.js';

let tdb: TestDatabase;
let db: PrismaClient;
let pool: pg.Pool;
const ids: Record<string, string> = {};
const $ = (dollars: number) => BigInt(Math.round(dollars * 1_000_000));

async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

/** Prices an object the way the API server does: lock the path, record, move every node by the delta. */
async function price(kcpPath: string, key: ObjectPriceKey & { kind: string }, priceMicros: bigint, oldMicros = 0n) {
  await inTransaction(async (c) => {
    const path = await lockCostPath(c, kcpPath);
    if (!path) throw new Error(`no cost path for ${kcpPath}`);
    await recordPrice(c, path, key, priceMicros);
    await applyCostDelta(c, path, priceMicros - oldMicros);
  });
}

async function makeTenant(slug: string) {
  const org = await db.organization.create({ data: { slug, name: slug.toUpperCase() } });
  const platform = await db.team.create({ data: { orgId: org.id, slug: 'platform', name: 'Platform' } });
  const payments = await db.team.create({ data: { orgId: org.id, slug: 'payments', name: 'Payments', parentId: platform.id } });
  const ops = await db.team.create({ data: { orgId: org.id, slug: 'ops', name: 'Ops' } });
  const template = await db.clusterTemplate.create({ data: { orgId: org.id, slug: 'std', name: 'Std', apiSets: [], allowedRegions: [] } });
  const cluster = (name: string, teamId: string, kcpPath: string) =>
    db.logicalCluster.create({ data: { orgId: org.id, teamId, name, kcpPath, templateId: template.id, regions: ['eu-west'], phase: 'Ready' } });
  const dev = await cluster('dev', payments.id, `root:${slug}:platform:payments:dev`);
  const web = await cluster('web', platform.id, `root:${slug}:platform:web`);
  const tools = await cluster('tools', ops.id, `root:${slug}:ops:tools`);
  await db.budget.createMany({
    data: [
      { orgId: org.id, scope: 'org', capMicros: null },
      { orgId: org.id, scope: 'team', teamId: platform.id, capMicros: null },
      { orgId: org.id, scope: 'team', teamId: payments.id, capMicros: $(4) },
      { orgId: org.id, scope: 'team', teamId: ops.id, capMicros: null },
      ...[dev, web, tools].map((c) => ({ orgId: org.id, scope: 'cluster' as const, logicalClusterId: c.id, capMicros: null })),
    ],
  });
  Object.assign(ids, {
    [`${slug}:org`]: org.id,
    [`${slug}:platform`]: platform.id,
    [`${slug}:payments`]: payments.id,
    [`${slug}:ops`]: ops.id,
    [`${slug}:dev`]: dev.id,
    [`${slug}:web`]: web.id,
    [`${slug}:tools`]: tools.id,
  });
  return { dev: dev.kcpPath, web: web.kcpPath, tools: tools.kcpPath };
}

const BASE = { resource: '', namespace: '', name: '', kind: 'LogicalCluster' };
const svc = (namespace: string, name: string) => ({ resource: 'services', namespace, name, kind: 'Service' });

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  pool = new pg.Pool({ connectionString: tdb.url, max: 4 });
  const acme = await makeTenant('acme');
  const other = await makeTenant('other');

  await price(acme.dev, BASE, $(0.5));
  await price(acme.dev, svc('shop', 'web'), $(1)); // payments 1.50 of 4.00
  await price(acme.dev, svc('shop', 'api'), $(0.001));
  await price(acme.dev, { resource: 'deployments.apps', namespace: 'shop', name: 'cart', kind: 'Deployment' }, $(0.6)); // 2.101: 50 %
  await price(acme.dev, svc('default', 'lb'), $(1.3)); // 3.401: 80 %
  await price(acme.web, BASE, $(0.5));
  await price(acme.web, svc('kube-system', 'dns'), $(0.001));
  await price(acme.tools, BASE, $(0.25));
  // Another org spends in clusters of the same names: none of it may show up in acme's reports.
  await price(other.dev, BASE, $(7));
  await price(other.dev, svc('shop', 'web'), $(9));

  await inTransaction(async (c) => {
    await recordBudgetDenial(
      c,
      { orgId: ids['acme:org']!, logicalClusterId: ids['acme:dev']! },
      {
        object: 'Service shop/big (LoadBalancer)',
        deltaMicros: $(1),
        message: 'Service shop/big (LoadBalancer) adds $1.00/mo; team payments budget $4.00/mo has $3.40/mo committed',
        username: 'dev@acme.test',
      },
    );
    await recordBudgetDenial(
      c,
      { orgId: ids['other:org']!, logicalClusterId: ids['other:dev']! },
      { object: 'Service x/y (LoadBalancer)', deltaMicros: $(1), message: 'other org refusal', username: 'eve@other.test' },
    );
  });
});

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('getCostBreakdown', () => {
  it('breaks the org down by cluster, namespace and kind, most expensive first, summing to the run-rate', async () => {
    const b = await getCostBreakdown(db, { orgId: ids['acme:org']!, node: { scope: 'org' } });
    expect(b.node).toMatchObject({ scope: 'org', name: 'acme', capMicros: null, runRateMicros: $(4.152) });
    expect(b.rows.map((r) => [r.clusterName, r.namespace, r.kind, r.objects, r.priceMicros])).toEqual([
      ['dev', 'default', 'Service', 1, $(1.3)],
      ['dev', 'shop', 'Service', 2, $(1.001)],
      ['dev', 'shop', 'Deployment', 1, $(0.6)],
      ['dev', '', 'LogicalCluster', 1, $(0.5)],
      ['web', '', 'LogicalCluster', 1, $(0.5)],
      ['tools', '', 'LogicalCluster', 1, $(0.25)],
      ['web', 'kube-system', 'Service', 1, $(0.001)],
    ]);
    expect(b.rows.reduce((s, r) => s + r.priceMicros, 0n)).toBe(b.node.runRateMicros);
  });

  it("a team's breakdown covers its sub-teams' clusters and no sibling's; a cluster's only its own", async () => {
    const platform = await getCostBreakdown(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:platform']! } });
    expect(new Set(platform.rows.map((r) => r.clusterName))).toEqual(new Set(['dev', 'web']));
    expect(platform.node).toMatchObject({ scope: 'team', name: 'platform', runRateMicros: $(3.902) });
    expect(platform.rows.reduce((s, r) => s + r.priceMicros, 0n)).toBe($(3.902));
    const web = await getCostBreakdown(db, { orgId: ids['acme:org']!, node: { scope: 'cluster', clusterId: ids['acme:web']! } });
    expect(web.rows.map((r) => r.kind)).toEqual(['LogicalCluster', 'Service']);
    expect(web.node).toMatchObject({ scope: 'cluster', name: 'web', runRateMicros: $(0.501) });
  });

  it("another org's team or cluster is not found, like a missing one", async () => {
    for (const node of [
      { scope: 'team' as const, teamId: ids['other:payments']! },
      { scope: 'cluster' as const, clusterId: ids['other:dev']! },
      { scope: 'team' as const, teamId: 'does-not-exist' },
    ]) {
      await expect(getCostBreakdown(db, { orgId: ids['acme:org']!, node })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});

describe('getRunRateHistory', () => {
  it("has one point per change of the node's run-rate, oldest first, and the level before `since`", async () => {
    const h = await getRunRateHistory(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:payments']! }, since: new Date(0) });
    expect(h.startMicros).toBe(0n);
    expect(h.points.map((p) => p.runRateMicros)).toEqual([$(0.5), $(1.5), $(1.501), $(2.101), $(3.401)]);
    const later = await getRunRateHistory(db, {
      orgId: ids['acme:org']!,
      node: { scope: 'team', teamId: ids['acme:payments']! },
      since: new Date(Date.now() + 60_000),
    });
    expect(later.points).toEqual([]);
    expect(later.startMicros).toBe($(3.401));
    const last2 = await getRunRateHistory(db, { orgId: ids['acme:org']!, node: { scope: 'org' }, since: new Date(0), limit: 2 });
    expect(last2.points.map((p) => p.runRateMicros)).toEqual([$(3.902), $(4.152)]);
  });
});

describe('listBudgetAlerts', () => {
  it('lists the crossings of the subtree, newest first, the current one active', async () => {
    const a = await listBudgetAlerts(db, { orgId: ids['acme:org']!, node: { scope: 'org' } });
    expect(a.alerts.map((x) => [x.scope, x.nodeName, x.thresholdPercent, x.runRateMicros, x.capMicros, x.active])).toEqual([
      ['team', 'payments', 80, $(3.401), $(4), true],
      ['team', 'payments', 50, $(2.101), $(4), false],
    ]);
    expect((await listBudgetAlerts(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:ops']! } })).alerts).toEqual([]);
    expect((await listBudgetAlerts(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:platform']! } })).alerts).toHaveLength(2);
  });

  it('a crossing is no longer active once the run-rate drops back below it', async () => {
    const acme = { dev: 'root:acme:platform:payments:dev' };
    await price(acme.dev, svc('default', 'lb'), 0n, $(1.3)); // back to 2.101: 52 %, alerted 50
    let a = await listBudgetAlerts(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:payments']! } });
    expect(a.alerts.map((x) => x.active)).toEqual([false, false]);
    expect(await listCurrentBudgetAlerts(db, { orgId: ids['acme:org']! })).toEqual([]);
    await price(acme.dev, svc('default', 'lb'), $(1.3)); // 80 % again: a new alert
    a = await listBudgetAlerts(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:payments']! } });
    expect(a.alerts.map((x) => [x.thresholdPercent, x.active])).toEqual([
      [80, true],
      [80, false],
      [50, false],
    ]);
    // The org-wide notice: only the current crossing, and only this org's.
    expect(await listCurrentBudgetAlerts(db, { orgId: ids['acme:org']! })).toEqual([a.alerts[0]]);
    await db.budget.updateMany({ where: { orgId: ids['other:org']!, scope: 'org' }, data: { capMicros: $(1) } });
    await price('root:other:platform:payments:dev', svc('shop', 'more'), $(0.5)); // the other org goes over 100 %
    // Its payments team (capped at $4.00) crossed 100 % with its first prices, its org node now.
    const other = await listCurrentBudgetAlerts(db, { orgId: ids['other:org']! });
    expect(other.map((x) => `${x.scope} ${x.nodeName} ${x.thresholdPercent}`).sort()).toEqual(['org other 100', 'team payments 100']);
    expect(await listCurrentBudgetAlerts(db, { orgId: ids['acme:org']! })).toEqual([a.alerts[0]]);
  });
});

describe('listBudgetDenials', () => {
  it('lists who was refused, with the exact message, in the clusters under a node of this org only', async () => {
    const all = await listBudgetDenials(db, { orgId: ids['acme:org']!, node: { scope: 'org' } });
    expect(all.denials).toHaveLength(1);
    expect(all.denials[0]).toMatchObject({
      clusterName: 'dev',
      teamSlug: 'payments',
      object: 'Service shop/big (LoadBalancer)',
      deltaMicros: $(1),
      message: 'Service shop/big (LoadBalancer) adds $1.00/mo; team payments budget $4.00/mo has $3.40/mo committed',
      username: 'dev@acme.test',
    });
    expect((await listBudgetDenials(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:platform']! } })).denials).toHaveLength(1);
    expect((await listBudgetDenials(db, { orgId: ids['acme:org']!, node: { scope: 'team', teamId: ids['acme:ops']! } })).denials).toEqual([]);
    expect((await listBudgetDenials(db, { orgId: ids['acme:org']!, node: { scope: 'cluster', clusterId: ids['acme:web']! } })).denials).toEqual([]);
  });

  it("a tombstoned cluster's refusals and history stay readable; its breakdown is empty", async () => {
    await inTransaction((c) => releaseClusterCost(c, ids['acme:tools']!));
    await db.logicalCluster.update({ where: { id: ids['acme:tools']! }, data: { phase: 'Deleted' } });
    const node = { scope: 'cluster' as const, clusterId: ids['acme:tools']! };
    expect((await getCostBreakdown(db, { orgId: ids['acme:org']!, node })).rows).toEqual([]);
    const h = await getRunRateHistory(db, { orgId: ids['acme:org']!, node, since: new Date(0) });
    expect(h.points.map((p) => p.runRateMicros)).toEqual([$(0.25), 0n]);
  });
});
