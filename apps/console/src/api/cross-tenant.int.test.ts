/**
 * Guards against IDOR / cross-tenant access in the console API (the bug class
 * formbricks and dub shipped: load by id, check the tenant later).
 *
 * Generated from the route registry, not hand-picked: every `/api/v1` route
 * that names an org, with every verb it serves, is called as
 *   - an owner of org A using org B's ids          → 404, byte-identical to an id that does not exist;
 *   - a user with no membership in org B           → 404, identical to an org that does not exist;
 *   - a member removed from org B (session, token) → 404 / 401;
 *   - a lower role without the route's permission  → 403;
 *   - org A's API token against org B              → 404.
 * Zero successes, nothing written. A new route is covered without editing
 * this file (a new kind of path id needs one line in FOREIGN_IDS).
 */
import { can, type Role } from '@atrium/core';
import { backendTokenId, createApiToken, createPrismaClient, makeOrg, mintBackendToken, type PrismaClient, removeMember } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from './define-route.js';
import { type DispatchDeps, dispatch } from './dispatch.js';
import { allApiRoutes } from './registry.js';

const SECRET = 'cross-tenant-test-secret-0123456789';
const ORIGIN = 'http://localhost:3999';

let tdb: TestDatabase;
let client: PrismaClient;
let deps: DispatchDeps;
const mailed: string[] = [];

type Fixture = Awaited<ReturnType<typeof makeOrg>>;
let A: Fixture;
let B: Fixture;
const ids: Record<'A' | 'B', Record<string, string>> = { A: {}, B: {} };
const cookies: Record<string, string> = {};
const tokens: Record<string, string> = {};

async function sessionCookie(userId: string): Promise<string> {
  const jwt = await encode({ token: { sub: userId }, secret: SECRET });
  return `next-auth.session-token=${jwt}`;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  // The session path under test reads the database and secret through env().
  process.env.DATABASE_URL = tdb.url;
  process.env.NEXTAUTH_SECRET = SECRET;
  client = createPrismaClient(tdb.url, 4);
  // The API server's token table (its own schema, normally migrated by that process), so that a
  // kubeconfig route that wrongly succeeded would show up as a written row, not a crash.
  await client.$executeRawUnsafe('create schema if not exists apiserver');
  await client.$executeRawUnsafe(
    "create table if not exists apiserver.tokens (token_hash text primary key, username text not null, groups text[] not null default '{}', clusters text[], wildcard boolean not null default false, created_at timestamptz not null default now(), revoked_at timestamptz)",
  );
  const { sessionUserFromCookieHeader } = await import('../server/session.js');
  deps = {
    db: client,
    sessionUser: sessionUserFromCookieHeader,
    allowedOrigins: [ORIGIN],
    clientIp: () => '127.0.0.1',
    logError: (err) => {
      throw err;
    },
    services: {
      invitationSecret: () => 'cross-tenant-invitation-secret',
      mail: {
        verification: async (to) => void mailed.push(to),
        passwordReset: async (to) => void mailed.push(to),
        invitation: async (to) => void mailed.push(to),
      },
    },
  };

  A = await makeOrg(client, 'org-a', { owner: 'owner', admin: 'admin', developer: 'developer', billing: 'billing' });
  B = await makeOrg(client, 'org-b', { owner: 'owner', leaver: 'developer' });
  for (const [key, f] of [
    ['A', A],
    ['B', B],
  ] as const) {
    const team = await client.team.create({ data: { orgId: f.org.id, slug: 'core', name: 'Core' } });
    await client.teamMember.create({ data: { teamId: team.id, membershipId: f.memberships.owner!.id } });
    const invitation = await client.invitation.create({
      data: {
        orgId: f.org.id,
        email: `pending-${key}@example.test`,
        role: 'developer',
        tokenHash: `hash-${key}`,
        invitedById: f.users.owner!.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const { apiToken, token } = await createApiToken(client, { orgId: f.org.id, actor: { userId: f.users.owner!.id }, name: 'owner token' });
    tokens[`${key}:owner`] = token;
    const template = await client.clusterTemplate.create({ data: { orgId: f.org.id, slug: `tpl-${key.toLowerCase()}`, name: 'Org template' } });
    // Ready, so that a missing check on the kubeconfig route would mint a token rather than stop at the phase.
    const cluster = await client.logicalCluster.create({
      data: { orgId: f.org.id, teamId: team.id, name: 'dev', kcpPath: `root:${f.org.slug}:core:dev`, templateId: template.id, regions: [], phase: 'Ready' },
    });
    const kubeconfigToken = await mintBackendToken(client, { username: f.users.owner!.email, groups: [], clusters: [cluster.kcpPath] });
    ids[key] = {
      teamId: team.id,
      memberId: f.memberships.owner!.id,
      invitationId: invitation.id,
      tokenId: apiToken.id,
      templateId: template.id,
      clusterId: cluster.id,
      kubeconfigTokenId: backendTokenId(kubeconfigToken.tokenHash),
    };
  }
  // The leaver had a session and a token in B, then was removed.
  tokens['B:leaver'] = (await createApiToken(client, { orgId: B.org.id, actor: { userId: B.users.leaver!.id }, name: 'leaver token' })).token;
  await removeMember(client, { orgId: B.org.id, actor: { userId: B.users.owner!.id }, actorRole: 'owner', memberId: B.memberships.leaver!.id });
  for (const label of ['owner', 'admin', 'developer', 'billing']) cookies[`A:${label}`] = await sessionCookie(A.users[label]!.id);
  cookies['B:leaver'] = await sessionCookie(B.users.leaver!.id);
  tokens['A:developer'] = (await createApiToken(client, { orgId: A.org.id, actor: { userId: A.users.developer!.id }, name: 'dev token' })).token;
});

afterAll(async () => {
  await client?.$disconnect();
  await tdb?.drop();
});

const orgRoutes = allApiRoutes.filter((r) => r.path.includes('{org}'));
const MISSING_ID = 'does-not-exist-00000000';

function url(route: AnyRoute, org: string, idFor: (param: string) => string): string {
  return `http://localhost/api/v1${route.path.replace('{org}', org).replace(/\{(\w+)\}/g, (_, p: string) => idFor(p))}`;
}

function idsOf(key: 'A' | 'B') {
  return (param: string) => {
    const id = ids[key][param];
    if (!id) throw new Error(`No fixture for path parameter {${param}}: add one to the cross-tenant test's setup.`);
    return id;
  };
}

async function call(route: AnyRoute, target: string, auth: { cookie?: string; bearer?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: ORIGIN };
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  // A body that would be valid for most writes, so that a missing check would show as a success.
  const body =
    route.method === 'GET' || route.method === 'DELETE'
      ? undefined
      : JSON.stringify({ name: 'Pwned', slug: 'pwned', role: 'owner', email: 'pwn@example.test', memberId: ids.A.memberId });
  const res = await dispatch(new Request(target, { method: route.method, headers, ...(body ? { body } : {}) }), allApiRoutes, deps);
  return { status: res.status, body: await res.text() };
}

async function snapshot() {
  const [audit, members, teams, invitations, tokensLive, orgs, clusters, templates, budgets, clusterTokens] = await Promise.all([
    client.auditEvent.count(),
    client.membership.findMany({ orderBy: { id: 'asc' }, select: { id: true, role: true } }),
    client.team.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, parentId: true } }),
    client.invitation.findMany({ orderBy: { id: 'asc' }, select: { id: true, revokedAt: true } }),
    client.apiToken.count({ where: { revokedAt: null } }),
    client.organization.count(),
    client.logicalCluster.findMany({ orderBy: { id: 'asc' }, select: { id: true, phase: true } }),
    client.clusterTemplate.findMany({ orderBy: { id: 'asc' }, select: { id: true, name: true, updatedAt: true } }),
    client.budget.count(),
    client.$queryRawUnsafe<Array<{ n: number; revoked: number }>>('select count(*)::int as n, count(revoked_at)::int as revoked from apiserver.tokens'),
  ]);
  return { audit, members, teams, invitations, tokensLive, orgs, clusters, templates, budgets, clusterTokens };
}

describe('cross-tenant access to every /api/v1 org route', () => {
  it('covers a meaningful route list', () => {
    expect(orgRoutes.length).toBeGreaterThanOrEqual(15);
    expect(new Set(orgRoutes.map((r) => r.method))).toEqual(new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
  });

  it('the harness can see a success (positive control)', async () => {
    const members = orgRoutes.find((r) => r.method === 'GET' && r.path === '/orgs/{org}/members')!;
    expect((await call(members, url(members, 'org-a', idsOf('A')), { cookie: cookies['A:owner'] })).status).toBe(200);
    expect((await call(members, url(members, 'org-a', idsOf('A')), { bearer: tokens['A:owner'] })).status).toBe(200);
    const kubeconfig = orgRoutes.find((r) => r.path === '/orgs/{org}/clusters/{clusterId}/kubeconfig')!;
    const minted = await call(kubeconfig, url(kubeconfig, 'org-a', idsOf('A')), { cookie: cookies['A:owner'] });
    expect(minted.status).toBe(201);
    expect(JSON.parse(minted.body).contextName).toBe('org-a/core/dev');
  });

  it('yields zero successes and writes nothing', async () => {
    const before = await snapshot();
    const outcomes: string[] = [];
    const record = (label: string, route: AnyRoute, got: { status: number }, expected: number[]) => {
      if (!expected.includes(got.status)) outcomes.push(`${label}: ${route.method} ${route.path} → ${got.status} (expected ${expected.join('/')})`);
    };

    for (const route of orgRoutes) {
      const idParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((p) => p !== 'org');

      // 1. Org A's owner, in org A's URL, with org B's ids: exactly like ids that do not exist.
      if (idParams.length) {
        const foreign = await call(route, url(route, 'org-a', idsOf('B')), { cookie: cookies['A:owner'] });
        const missing = await call(
          route,
          url(route, 'org-a', () => MISSING_ID),
          { cookie: cookies['A:owner'] },
        );
        record('foreign ids', route, foreign, [404]);
        expect(foreign, `${route.method} ${route.path}: a foreign id must look like a missing one`).toEqual(missing);
        const foreignByToken = await call(route, url(route, 'org-a', idsOf('B')), { bearer: tokens['A:owner'] });
        record('foreign ids (token)', route, foreignByToken, [404]);
      }

      // 2. No membership: org B by an outsider looks exactly like an org that does not exist.
      const outsider = await call(route, url(route, 'org-b', idsOf('B')), { cookie: cookies['A:owner'] });
      const noSuchOrg = await call(route, url(route, 'no-such-org', idsOf('B')), { cookie: cookies['A:owner'] });
      record('no membership', route, outsider, [404]);
      expect(outsider, `${route.method} ${route.path}: another org must look like a missing one`).toEqual(noSuchOrg);

      // 3. A token for org A used against org B.
      record('token of another org', route, await call(route, url(route, 'org-b', idsOf('B')), { bearer: tokens['A:owner'] }), [404]);

      // 4. A revoked (removed) member of org B, by session and by the token they had.
      record('revoked member (session)', route, await call(route, url(route, 'org-b', idsOf('B')), { cookie: cookies['B:leaver'] }), [404]);
      record('revoked member (token)', route, await call(route, url(route, 'org-b', idsOf('B')), { bearer: tokens['B:leaver'] }), [401]);

      // 5. Lower roles in org A, for routes their role does not permit.
      for (const role of ['admin', 'developer', 'billing'] as Role[]) {
        if (!route.permission || can(role, route.permission)) continue;
        record(`role ${role}`, route, await call(route, url(route, 'org-a', idsOf('A')), { cookie: cookies[`A:${role}`] }), [403]);
        if (role === 'developer')
          record('role developer (token)', route, await call(route, url(route, 'org-a', idsOf('A')), { bearer: tokens['A:developer'] }), [403]);
      }

      // 6. No credentials at all.
      record('anonymous', route, await call(route, url(route, 'org-a', idsOf('A')), {}), [401]);
    }

    expect(outcomes).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(mailed).toEqual([]);
  });
});

describe('credential scope outside org routes', () => {
  it('a token sees only its own org in /me and /orgs', async () => {
    const me = allApiRoutes.find((r) => r.path === '/me')!;
    const res = await call(me, 'http://localhost/api/v1/me', { bearer: tokens['A:owner'] });
    expect(JSON.parse(res.body).orgs.map((o: { slug: string }) => o.slug)).toEqual(['org-a']);
  });

  it('refuses cookie-authenticated writes from another origin (CSRF)', async () => {
    const create = allApiRoutes.find((r) => r.method === 'POST' && r.path === '/orgs/{org}/teams')!;
    const target = url(create, 'org-a', idsOf('A'));
    const post = (headers: Record<string, string>) =>
      dispatch(
        new Request(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: cookies['A:owner']!, ...headers },
          body: JSON.stringify({ name: 'X', slug: 'csrf-x' }),
        }),
        allApiRoutes,
        deps,
      );
    expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(await client.team.count({ where: { slug: 'csrf-x' } })).toBe(0);
    expect((await post({ origin: ORIGIN })).status).toBe(201);
  });

  it('answers bad input with a clear 4xx and writes nothing', async () => {
    const create = allApiRoutes.find((r) => r.method === 'POST' && r.path === '/orgs/{org}/teams')!;
    const target = url(create, 'org-a', idsOf('A'));
    const send = (body: string, type = 'application/json') =>
      dispatch(
        new Request(target, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${tokens['A:owner']}` }, body }),
        allApiRoutes,
        deps,
      );
    const before = await client.team.count();
    const malformed = await send('{"name": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('BAD_REQUEST');
    expect((await send('name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await send(JSON.stringify({ name: 'x'.repeat(70_000), slug: 'big' }))).status).toBe(413);
    const invalid = await send(JSON.stringify({ name: 'Ok', slug: 'Not A Slug' }));
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.details.fields.slug).toBeTruthy();
    expect(await client.team.count()).toBe(before);
  });
});
