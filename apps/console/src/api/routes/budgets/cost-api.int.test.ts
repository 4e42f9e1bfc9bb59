/**
 * Budgets and the cost preview over the API on real Postgres: caps set and cleared by admins
 * on the cost nodes (audited, before/after, with the same effect notes the console shows
 * before saving), the cost tree with every node's run-rate read by billing, refused to lower
 * roles; another org's ids answer like missing ones; the preview prices a manifest with the
 * org's price book and words the budget decision exactly as admission does, writing nothing.
 * Run-rates are moved by the real cost ledger, as the API server moves them.
 */
import { applyCostDelta, createApiToken, createPrismaClient, lockCostPath, makeOrg, type PrismaClient, recordPrice, seedPlatformCatalog } from '@atrium/db';
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

async function call(method: string, path: string, body?: unknown, as = 'admin') {
  const res = await dispatch(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[as]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    }),
    allApiRoutes,
    deps,
  );
  return { status: res.status, body: await res.json() };
}

/** Records a price in a cluster as the API server does: path locked, every node on it moved. */
async function price(kcpPath: string, name: string, micros: bigint) {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const path = await lockCostPath(c, kcpPath);
    if (!path) throw new Error(`no cost path for ${kcpPath}`);
    await recordPrice(c, path, { resource: 'services', namespace: 'shop', name, kind: 'Service' }, micros);
    await applyCostDelta(c, path, micros);
    await c.query('commit');
  } finally {
    c.release();
  }
}

async function written() {
  const [budgets, audit, entries] = await Promise.all([db.budget.findMany({ orderBy: { id: 'asc' } }), db.auditEvent.count(), db.priceBookEntry.count()]);
  return { budgets, audit, entries };
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
    ['acme', { owner: 'owner', admin: 'admin', developer: 'developer', billing: 'billing' }],
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
    Object.assign(ids, { [`${slug}:platform`]: platform.id, [`${slug}:payments`]: payments.id, [`${slug}:dev`]: dev.id });
    // The cost nodes the org, team and cluster repositories create with them (rows made by hand here).
    for (const node of [
      { scope: 'org' as const },
      { scope: 'team' as const, teamId: platform.id },
      { scope: 'team' as const, teamId: payments.id },
      { scope: 'cluster' as const, logicalClusterId: dev.id },
    ]) {
      if (!(await db.budget.findFirst({ where: { orgId: f.org.id, ...node } })))
        await db.budget.create({ data: { orgId: f.org.id, capMicros: null, ...node } });
    }
  }
});

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

const lbManifest = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  type: LoadBalancer', '  ports: [{ port: 80 }]'].join('\n');

describe('PUT /orgs/{org}/budgets', () => {
  it('sets a team cap (audited with before and after) and changes it', async () => {
    const set = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:payments'], capMicros: '3000000' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      scope: 'team',
      id: ids['acme:payments'],
      before: null,
      budget: { cap: '$3.00/mo', committed: '$0.00/mo', percent: 0 },
      notes: ['team payments commits $0.00/mo: $3.00/mo of headroom.'],
    });
    const raised = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:payments'], capMicros: 5_000_000 });
    expect(raised.body).toMatchObject({ before: { cap: '$3.00/mo' }, budget: { cap: '$5.00/mo', capMicros: '5000000' } });
    const audit = await db.auditEvent.findMany({ where: { orgId: ids.acme, action: 'budget.set' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.targetType, a.targetId, a.before, a.after])).toEqual([
      ['team-budget', ids['acme:payments'], null, { capMicros: '3000000', committedMicros: '0' }],
      ['team-budget', ids['acme:payments'], { capMicros: '3000000', committedMicros: '0' }, { capMicros: '5000000', committedMicros: '0' }],
    ]);
  });

  it('allows a child cap above its parent’s, and a cap below what is committed, saying so before and after saving', async () => {
    await price('root:acme:platform:payments:dev', 'web', 4_500_000n);
    const parent = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:platform'], capMicros: '4000000' });
    expect(parent.status).toBe(200);
    // Every node already carries its run-rate: the new budget starts from it.
    expect(parent.body.budget).toMatchObject({ cap: '$4.00/mo', committedMicros: '4500000', status: 'over' });
    expect(parent.body.notes).toEqual([
      'team platform already commits $4.50/mo: only changes that lower cost will be admitted.',
      '1 cluster already exceeds this: dev.',
      '1 sub-team already exceeds this: payments.',
    ]);
    const child = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:payments'], capMicros: '4000000' });
    expect(child.body.budget).toMatchObject({ status: 'over', percent: 112, headroom: '-$0.50/mo' });
    expect(child.body.notes).toEqual([
      'team payments already commits $4.50/mo: only changes that lower cost will be admitted.',
      '1 cluster already exceeds this: dev.',
    ]);
    const above = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:payments'], capMicros: '5000000' });
    expect(above.body.notes).toEqual([
      'team payments would be at 90% of $5.00/mo: kubectl warns from 80%.',
      "team platform's budget of $4.00/mo is smaller and still limits team payments.",
    ]);
  });

  it('clears a cap, and keeps a cluster cap within its template’s maximum', async () => {
    const cleared = await call('PUT', '/orgs/acme/budgets', { scope: 'team', teamId: ids['acme:platform'], capMicros: null });
    expect(cleared.body).toMatchObject({
      before: { cap: '$4.00/mo' },
      budget: null,
      notes: ['No budget on team platform: nothing above it limits what it may spend.'],
    });
    expect(await db.auditEvent.count({ where: { orgId: ids.acme, action: 'budget.clear', targetId: ids['acme:platform'] } })).toBe(1);
    const tooBig = await call('PUT', '/orgs/acme/budgets', { scope: 'cluster', clusterId: ids['acme:dev'], capMicros: '200000001' });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.message).toBe('Template `standard` allows at most $200.00/mo per cluster.');
    const org = await call('PUT', '/orgs/acme/budgets', { scope: 'org', capMicros: '100000000' });
    expect(org.body.budget).toMatchObject({ cap: '$100.00/mo' });
  });

  it('refuses developers and billing, and answers another org’s ids like missing ones', async () => {
    const before = await written();
    for (const role of ['developer', 'billing']) {
      const res = await call('PUT', '/orgs/acme/budgets', { scope: 'org', capMicros: '1' }, role);
      expect(res.status, role).toBe(403);
    }
    for (const [scope, key, foreign] of [
      ['team', 'teamId', ids['other:payments']],
      ['cluster', 'clusterId', ids['other:dev']],
    ] as const) {
      const viaForeign = await call('PUT', '/orgs/acme/budgets', { scope, [key]: foreign, capMicros: '1' }, 'owner');
      const viaMissing = await call('PUT', '/orgs/acme/budgets', { scope, [key]: 'does-not-exist-0000', capMicros: '1' }, 'owner');
      expect(viaForeign.status).toBe(404);
      expect(viaForeign).toEqual(viaMissing);
    }
    expect((await call('PUT', '/orgs/acme/budgets', { scope: 'org', capMicros: '-1' })).status).toBe(422);
    expect((await call('PUT', '/orgs/acme/budgets', { scope: 'team', capMicros: '1' })).status).toBe(422);
    expect(await written()).toEqual(before);
  });
});

describe('GET /orgs/{org}/budgets', () => {
  it('shows the org, every team and every live cluster with its run-rate and budget (cap, percent, headroom); billing may read', async () => {
    await db.logicalCluster.create({
      data: {
        orgId: ids.acme!,
        teamId: ids['acme:payments']!,
        name: 'gone',
        kcpPath: 'root:acme:platform:payments:gone',
        templateId: (await db.logicalCluster.findUniqueOrThrow({ where: { id: ids['acme:dev']! } })).templateId,
        regions: [],
        phase: 'Deleted',
      },
    });
    const res = await call('GET', '/orgs/acme/budgets', undefined, 'billing');
    expect(res.status).toBe(200);
    expect(res.body.org).toMatchObject({
      slug: 'acme',
      runRateMicros: '4500000',
      runRate: '$4.50/mo',
      budget: { cap: '$100.00/mo', percent: 4, status: 'ok' },
    });
    expect(res.body.teams.map((t: { slug: string; runRate: string; budget: unknown }) => [t.slug, t.runRate, t.budget])).toEqual([
      [
        'payments',
        '$4.50/mo',
        expect.objectContaining({ cap: '$5.00/mo', committed: '$4.50/mo', percent: 90, headroom: '$0.50/mo', headroomMicros: '500000', status: 'warning' }),
      ],
      // No budget on platform, but its run-rate is known all the same.
      ['platform', '$4.50/mo', null],
    ]);
    expect(res.body.clusters).toEqual([
      {
        id: ids['acme:dev'],
        name: 'dev',
        teamId: ids['acme:payments'],
        phase: 'Ready',
        template: 'standard',
        maxBudget: '$200.00/mo',
        runRateMicros: '4500000',
        runRate: '$4.50/mo',
        budget: null,
      },
    ]);
    expect((await call('GET', '/orgs/acme/budgets', undefined, 'developer')).status).toBe(200);
  });
});

describe('POST /orgs/{org}/cost/preview', () => {
  it('refuses a LoadBalancer against a nearly-full team budget with admission’s exact message, and writes nothing', async () => {
    const before = await written();
    const res = await call('POST', '/orgs/acme/cost/preview', { clusterId: ids['acme:dev'], manifest: lbManifest }, 'developer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cluster: { id: ids['acme:dev'], name: 'dev', kcpPath: 'root:acme:platform:payments:dev' },
      allowed: false,
      message: 'Service default/web (LoadBalancer) adds $1.00/mo; team payments budget $5.00/mo has $4.50/mo committed',
      total: '$1.00/mo',
      totalMicros: '1000000',
      warnings: ['team payments is at 90% of its $5.00/mo budget'],
    });
    expect(res.body.objects).toEqual([
      {
        description: 'Service default/web (LoadBalancer)',
        priceMicros: '1000000',
        price: '$1.00/mo',
        lines: [
          {
            ruleKey: 'service-load-balancer',
            description: 'Service of type LoadBalancer',
            unit: 'object',
            quantity: '1',
            priceMicros: '1000000',
            price: '$1.00/mo',
          },
        ],
        notes: [],
        allowed: false,
        message: 'Service default/web (LoadBalancer) adds $1.00/mo; team payments budget $5.00/mo has $4.50/mo committed',
      },
    ]);
    expect(res.body.budgets.map((b: { scope: string; name: string }) => `${b.scope} ${b.name}`)).toEqual(['team payments', 'org acme']);
    expect(await written()).toEqual(before);
  });

  it('admits what fits, in order, with the org’s price book and the 80 % warnings', async () => {
    const manifest = [
      lbManifest.replace('LoadBalancer', 'ClusterIP'),
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: api, namespace: shop }',
      'spec:',
      '  replicas: 2',
      '  template:',
      '    spec:',
      '      containers: [{ name: c, image: x, resources: { requests: { cpu: 100m, memory: 64Mi } } }]',
    ].join('\n');
    const res = await call('POST', '/orgs/acme/cost/preview', { clusterId: ids['acme:dev'], manifest });
    expect(res.status).toBe(200);
    expect(res.body.objects.map((o: { description: string; price: string; allowed: boolean }) => [o.description, o.price, o.allowed])).toEqual([
      ['Service default/web (ClusterIP)', '$0.001/mo', true],
      // 64Mi is below the 128Mi floor: 0.2 vCPU × $23.07603 + 0.25 GiB × $3.09301 = $4.615206 + $0.773253 = $5.388459: over the $0.499 left.
      ['Deployment shop/api', '$5.39/mo', false],
    ]);
    // The ClusterIP Service was admitted first: $4.501 committed (shown to the cent).
    expect(res.body.message).toBe('Deployment shop/api adds $5.39/mo; team payments budget $5.00/mo has $4.50/mo committed');
    expect(res.body.budgets[0]).toMatchObject({ name: 'payments', committedAfterMicros: '4501000' });
    expect(res.body.warnings).toEqual(['team payments is at 90% of its $5.00/mo budget']);
  });

  it('says why a custom resource is free, and prices an autoscaler with its target from the same manifest', async () => {
    const manifest = [
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata: { name: w }',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: api }',
      'spec: { replicas: 1, template: { spec: { containers: [{ name: c, image: x }] } } }',
      '---',
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata: { name: api }',
      'spec: { scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }, maxReplicas: 3 }',
    ].join('\n');
    const res = await call('POST', '/orgs/acme/cost/preview', { clusterId: ids['acme:dev'], manifest });
    expect(res.status).toBe(200);
    const [widget, deployment, hpa] = res.body.objects as { price: string; notes: string[] }[];
    expect(widget).toMatchObject({ price: '$0.00/mo', notes: ['no price rule for example.com/Widget: free'] });
    // No requests: the floor, 100m and 128Mi = $2.307603 + $0.386626 ≈ $2.69; the autoscaler holds room for 2 more.
    expect(deployment!.price).toBe('$2.69/mo');
    expect(hpa).toMatchObject({ price: '$5.39/mo', notes: ['reserves Deployment/api from 1 to 3 replicas'] });
  });

  it('answers bad input with a clear 4xx, and another org’s cluster like a missing one', async () => {
    const bad = await call('POST', '/orgs/acme/cost/preview', { clusterId: ids['acme:dev'], manifest: 'apiVersion: v1\nkind: Service' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.manifest).toEqual(['Document 1 (Service) has no metadata.name.']);
    const quantity = await call('POST', '/orgs/acme/cost/preview', {
      clusterId: ids['acme:dev'],
      manifest: JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'd' },
        spec: { resources: { requests: { storage: 'lots' } } },
      }),
    });
    expect(quantity.status).toBe(422);
    expect(quantity.body.error.message).toMatch(/^PersistentVolumeClaim default\/d: /);
    const huge = await call('POST', '/orgs/acme/cost/preview', JSON.stringify({ clusterId: ids['acme:dev'], manifest: '#'.repeat(70_000) }));
    expect(huge.status).toBe(413);
    const foreign = await call('POST', '/orgs/acme/cost/preview', { clusterId: ids['other:dev'], manifest: lbManifest }, 'owner');
    const missing = await call('POST', '/orgs/acme/cost/preview', { clusterId: 'does-not-exist-0000', manifest: lbManifest }, 'owner');
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(missing);
    expect((await call('POST', '/orgs/other/cost/preview', { clusterId: ids['other:dev'], manifest: lbManifest }, 'owner')).status).toBe(404);
  });
});
