/**
 * The cost pages' read routes over HTTP dispatch on a real Postgres, with amounts written by
 * the real cost ledger: every role that may read cost (billing and developers too) gets the
 * breakdown, history, alerts and refusals of the org, a team or a cluster; another org's team
 * or cluster id answers exactly like a missing one.
 */
import {
  applyCostDelta,
  createApiToken,
  createPrismaClient,
  lockCostPath,
  makeOrg,
  type PrismaClient,
  recordBudgetDenial,
  recordPrice,
  seedPlatformCatalog,
} from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOnlyDispatchDeps } from '../../../test-support/api-deps.js';
import { type DispatchDeps, dispatch } from '../../dispatch.js';
import { allApiRoutes } from '../../registry.js';

let tdb: TestDatabase;
let db: PrismaClient;
let pool: pg.Pool;
let deps: DispatchDeps;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const MESSAGE = 'Service shop/big (LoadBalancer) adds $1.00/mo; team payments budget $2.00/mo has $1.50/mo committed';

async function call(path: string, as = 'developer') {
  const res = await dispatch(new Request(`http://localhost/api/v1${path}`, { headers: { authorization: `Bearer ${tokens[as]}` } }), allApiRoutes, deps);
  return { status: res.status, body: await res.json() };
}

async function price(kcpPath: string, key: { resource: string; namespace: string; name: string; kind: string }, micros: bigint) {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const path = await lockCostPath(c, kcpPath);
    if (!path) throw new Error(`no cost path for ${kcpPath}`);
    await recordPrice(c, path, key, micros);
    await applyCostDelta(c, path, micros);
    await c.query('commit');
  } finally {
    c.release();
  }
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  process.env.DATABASE_URL = tdb.url;
  db = createPrismaClient(tdb.url, 4);
  pool = new pg.Pool({ connectionString: tdb.url, max: 2 });
  deps = tokenOnlyDispatchDeps(db);
  await seedPlatformCatalog(db);
  const standard = await db.clusterTemplate.findFirstOrThrow({ where: { orgId: null, slug: 'standard' } });
  for (const [slug, roles] of [
    ['acme', { owner: 'owner', developer: 'developer', billing: 'billing' }],
    ['other', { owner: 'owner' }],
  ] as const) {
    const f = await makeOrg(db, slug, roles);
    ids[slug] = f.org.id;
    for (const role of Object.keys(roles)) {
      tokens[slug === 'acme' ? role : `${slug}:${role}`] = (
        await createApiToken(db, { orgId: f.org.id, actor: { userId: f.users[role]!.id }, name: role })
      ).token;
    }
    const platform = await db.team.create({ data: { orgId: f.org.id, slug: 'platform', name: 'Platform' } });
    const payments = await db.team.create({ data: { orgId: f.org.id, slug: 'payments', name: 'Payments', parentId: platform.id } });
    const dev = await db.logicalCluster.create({
      data: {
        orgId: f.org.id,
        teamId: payments.id,
        name: 'dev',
        kcpPath: `root:${slug}:platform:payments:dev`,
        templateId: standard.id,
        regions: ['us-east'],
        phase: 'Ready',
      },
    });
    // Cost nodes as the console's request path makes them; a node created by a repository already is kept.
    for (const node of [
      { scope: 'org' as const },
      { scope: 'team' as const, teamId: platform.id },
      { scope: 'team' as const, teamId: payments.id, capMicros: 2_000_000n },
      { scope: 'cluster' as const, logicalClusterId: dev.id },
    ]) {
      const found = await db.budget.findFirst({
        where: { orgId: f.org.id, scope: node.scope, teamId: node.teamId ?? null, logicalClusterId: node.logicalClusterId ?? null },
      });
      if (found) await db.budget.update({ where: { id: found.id }, data: { capMicros: node.capMicros ?? null } });
      else await db.budget.create({ data: { orgId: f.org.id, capMicros: null, ...node } });
    }
    Object.assign(ids, { [`${slug}:platform`]: platform.id, [`${slug}:payments`]: payments.id, [`${slug}:dev`]: dev.id });
    await price(dev.kcpPath, { resource: '', namespace: '', name: '', kind: 'LogicalCluster' }, 500_000n);
    await price(dev.kcpPath, { resource: 'services', namespace: 'shop', name: 'web', kind: 'Service' }, 1_000_000n);
    const c = await pool.connect();
    try {
      await recordBudgetDenial(
        c,
        { orgId: f.org.id, logicalClusterId: dev.id },
        { object: 'Service shop/big (LoadBalancer)', deltaMicros: 1_000_000n, message: slug === 'acme' ? MESSAGE : 'other', username: `dev@${slug}.test` },
      );
    } finally {
      c.release();
    }
  }
});

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('cost report routes', () => {
  it('breaks a team down by namespace and by kind, with its run-rate and budget', async () => {
    const res = await call(`/orgs/acme/cost/teams/${ids['acme:payments']}/breakdown`);
    expect(res.status).toBe(200);
    expect(res.body.node).toMatchObject({
      scope: 'team',
      name: 'payments',
      runRateMicros: '1500000',
      runRate: '$1.50/mo',
      budget: { cap: '$2.00/mo', percent: 75, headroom: '$0.50/mo', status: 'ok' },
    });
    expect(res.body.byNamespace).toEqual([
      { clusterId: ids['acme:dev'], cluster: 'dev', namespace: 'shop', objects: 1, priceMicros: '1000000', price: '$1.00/mo' },
      { clusterId: ids['acme:dev'], cluster: 'dev', namespace: '', objects: 1, priceMicros: '500000', price: '$0.50/mo' },
    ]);
    expect(res.body.byKind.map((k: { kind: string; price: string }) => [k.kind, k.price])).toEqual([
      ['Service', '$1.00/mo'],
      ['LogicalCluster', '$0.50/mo'],
    ]);
    const org = await call('/orgs/acme/cost/breakdown', 'billing');
    expect(org.body.node).toMatchObject({ scope: 'org', name: 'acme', runRate: '$1.50/mo', budget: null });
  });

  it('gives the run-rate history of a cluster, oldest first', async () => {
    const res = await call(`/orgs/acme/cost/clusters/${ids['acme:dev']}/history?days=7`);
    expect(res.status).toBe(200);
    expect(res.body.startMicros).toBe('0');
    expect(res.body.points.map((p: { runRateMicros: string }) => p.runRateMicros)).toEqual(['500000', '1500000']);
    expect((await call(`/orgs/acme/cost/history?days=0`)).status).toBe(422);
  });

  it('lists the budget alerts under a node, worded for people', async () => {
    const res = await call(`/orgs/acme/cost/alerts`, 'owner');
    expect(res.status).toBe(200);
    expect(res.body.alerts.map((a: { message: string; active: boolean }) => [a.message, a.active])).toEqual([
      ['team payments reached 50% of its $2.00/mo budget ($1.50/mo committed)', true],
    ]);
    expect((await call(`/orgs/acme/cost/clusters/${ids['acme:dev']}/alerts`)).body.alerts).toEqual([]);
  });

  it('lists who was refused, with the exact message, in this org only', async () => {
    const res = await call(`/orgs/acme/cost/clusters/${ids['acme:dev']}/denials`, 'billing');
    expect(res.status).toBe(200);
    expect(res.body.denials).toEqual([
      {
        id: expect.any(String),
        clusterId: ids['acme:dev'],
        cluster: 'dev',
        team: 'payments',
        object: 'Service shop/big (LoadBalancer)',
        deltaMicros: '1000000',
        delta: '$1.00/mo',
        message: MESSAGE,
        username: 'dev@acme.test',
        createdAt: expect.any(String),
      },
    ]);
    expect((await call('/orgs/acme/cost/denials')).body.denials).toHaveLength(1);
  });

  it("answers another org's team and cluster ids exactly like missing ones", async () => {
    for (const what of ['breakdown', 'history', 'alerts', 'denials']) {
      for (const [kind, foreign] of [
        ['teams', ids['other:payments']],
        ['clusters', ids['other:dev']],
      ] as const) {
        const viaForeign = await call(`/orgs/acme/cost/${kind}/${foreign}/${what}`, 'owner');
        const viaMissing = await call(`/orgs/acme/cost/${kind}/does-not-exist-0000/${what}`, 'owner');
        expect(viaForeign.status, `${kind} ${what}`).toBe(404);
        expect(viaForeign).toEqual(viaMissing);
      }
    }
    expect((await call('/orgs/other/cost/denials', 'owner')).status).toBe(404);
  });
});
