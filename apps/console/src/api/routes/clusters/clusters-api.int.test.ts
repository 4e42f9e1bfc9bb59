/**
 * The cluster routes over HTTP semantics (dispatch → handler → DTO) on real Postgres: a policy
 * denial is a 403 whose message is the rule, with every violation and where it is defined; a
 * request is 201 with the cluster; the kubeconfig is a 409 until Ready, then a kubeconfig whose
 * token is exactly the row written to `apiserver.tokens`; deleting is 202 then 409.
 */
import { sha256Hex } from '@atrium/core';
import { createApiToken, createPrismaClient, makeOrg, type PrismaClient, seedPlatformCatalog } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tokenOnlyDispatchDeps } from '../../../test-support/api-deps.js';
import { type DispatchDeps, dispatch } from '../../dispatch.js';
import { allApiRoutes } from '../../registry.js';

let tdb: TestDatabase;
let db: PrismaClient;
let deps: DispatchDeps;
let token = '';
let billingToken = '';
const team: Record<string, string> = {};
let orgId = '';

async function call(method: string, path: string, body?: unknown, bearer = token) {
  const res = await dispatch(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
    allApiRoutes,
    deps,
  );
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  process.env.DATABASE_URL = tdb.url;
  process.env.ATRIUM_KCP_URL = 'https://kcp.example.test:6443';
  db = createPrismaClient(tdb.url, 4);
  await db.$executeRawUnsafe('create schema if not exists apiserver');
  await db.$executeRawUnsafe(
    "create table apiserver.tokens (token_hash text primary key, username text not null, groups text[] not null default '{}', clusters text[], wildcard boolean not null default false, created_at timestamptz not null default now(), revoked_at timestamptz)",
  );
  deps = tokenOnlyDispatchDeps(db);
  await seedPlatformCatalog(db);
  const f = await makeOrg(db, 'acme', { owner: 'owner', billing: 'billing' });
  orgId = f.org.id;
  for (const slug of ['platform', 'web']) team[slug] = (await db.team.create({ data: { orgId, slug, name: slug } })).id;
  await db.clusterTemplate.create({
    data: {
      orgId,
      slug: 'production',
      name: 'Production',
      allowedRegions: ['eu-west'],
      restrictedToTeams: true,
      teams: { create: [{ teamId: team.platform! }] },
    },
  });
  token = (await createApiToken(db, { orgId, actor: { userId: f.users.owner!.id }, name: 't' })).token;
  billingToken = (await createApiToken(db, { orgId, actor: { userId: f.users.billing!.id }, name: 'b' })).token;
});

afterAll(async () => {
  await db?.$disconnect();
  await tdb?.drop();
});

describe('/api/v1/orgs/{org}/clusters', () => {
  it('answers a policy denial with 403, the rule as the message and where it is defined', async () => {
    const res = await call('POST', '/orgs/acme/clusters', { name: 'p1', teamId: team.web, template: 'production', regions: ['eu-west'] });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'template `production` is limited to team `platform` by org policy',
      details: {
        violations: [{ rule: 'template-teams', message: 'template `production` is limited to team `platform` by org policy', definedBy: 'org policy' }],
        fields: { template: ['template `production` is limited to team `platform` by org policy'] },
      },
    });
    const bad = await call('POST', '/orgs/acme/clusters', { name: 'p1', teamId: team.web, template: 'standard', regions: ['mars-1'] });
    expect(bad.status).toBe(422);
    expect(await db.logicalCluster.count()).toBe(0);
  });

  it('requests, reads, issues a kubeconfig once Ready, and deletes', async () => {
    const created = await call('POST', '/orgs/acme/clusters', {
      name: 'dev',
      teamId: team.platform,
      template: 'standard',
      regions: ['eu-west'],
      labels: { env: 'dev' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'dev', phase: 'Requested', kcpPath: 'root:acme:platform:dev', budgetMicros: '20000000', budget: '$20.00/mo' });
    const id = created.body.id as string;
    expect((await call('POST', '/orgs/acme/clusters', { name: 'dev', teamId: team.platform, template: 'standard', regions: ['eu-west'] })).status).toBe(409);
    expect((await call('GET', '/orgs/acme/clusters')).body.clusters.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await call('GET', `/orgs/acme/clusters/${id}`, undefined, billingToken)).status).toBe(200);

    expect((await call('POST', `/orgs/acme/clusters/${id}/kubeconfig`)).status).toBe(409);
    await db.logicalCluster.update({ where: { id }, data: { phase: 'Ready' } });
    expect((await call('POST', `/orgs/acme/clusters/${id}/kubeconfig`, undefined, billingToken)).status).toBe(403);
    const kc = await call('POST', `/orgs/acme/clusters/${id}/kubeconfig`);
    expect(kc.status).toBe(201);
    const doc = parse(kc.body.kubeconfig);
    expect(doc['current-context']).toBe('acme/platform/dev');
    expect(doc.clusters[0].cluster.server).toBe('https://kcp.example.test:6443/clusters/root:acme:platform:dev');
    const bearer = doc.users[0].user.token as string;
    const rows = await db.$queryRawUnsafe<Array<{ clusters: string[]; groups: string[] }>>(
      'select clusters, groups from apiserver.tokens where token_hash = $1',
      sha256Hex(bearer),
    );
    expect(rows).toEqual([{ clusters: ['root:acme:platform:dev'], groups: [`atrium:org-admins:${orgId}`] }]);

    const del = await call('DELETE', `/orgs/acme/clusters/${id}`);
    expect(del.status).toBe(202);
    expect(del.body.phase).toBe('Deleting');
    expect((await call('DELETE', `/orgs/acme/clusters/${id}`)).status).toBe(409);
  });

  it('lists regions and templates', async () => {
    expect((await call('GET', '/regions')).body.regions.map((r: { slug: string }) => r.slug)).toEqual(['eu-west', 'us-east']);
    const templates = (await call('GET', '/orgs/acme/templates', undefined, billingToken)).body.templates;
    expect(templates.map((t: { slug: string; scope: string }) => `${t.scope}:${t.slug}`)).toEqual(['platform:standard', 'org:production']);
  });
});
