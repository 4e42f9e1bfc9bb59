/**
 * The paginated list routes over the dispatcher on real Postgres: members,
 * invitations, API tokens and the audit log take `limit` (default 50, 1–200),
 * `cursor` and (where it makes sense) `q`; a bad limit is refused by the zod
 * schema, a bad cursor is a 400 naming the cursor; following nextCursor then
 * prevCursor gives back the same rows; the teams list carries counts, and a
 * team's members come from the members route. The OpenAPI document shows the
 * parameters because it is generated from the same schemas.
 */
import { createApiToken, createPrismaClient, makeOrg, type PrismaClient } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOnlyDispatchDeps } from '../../../test-support/api-deps.js';
import { type DispatchDeps, dispatch } from '../../dispatch.js';
import { buildOpenApiDocument } from '../../openapi.js';
import { allApiRoutes } from '../../registry.js';

let tdb: TestDatabase;
let db: PrismaClient;
let deps: DispatchDeps;
let token = '';
let otherToken = '';
let teamId = '';
let otherTeamId = '';
const MEMBERS = 120;

interface ListBody {
  nextCursor: string | null;
  prevCursor: string | null;
  [list: string]: unknown;
}

async function get(path: string, as = token) {
  const res = await dispatch(new Request(`http://localhost/api/v1${path}`, { headers: { authorization: `Bearer ${as}` } }), allApiRoutes, deps);
  return { status: res.status, body: (await res.json()) as ListBody & { error?: { code: string; message: string } } };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  deps = tokenOnlyDispatchDeps(db);
  const acme = await makeOrg(db, 'acme', { owner: 'owner' });
  const other = await makeOrg(db, 'other', { owner: 'owner' });
  const owner = acme.users.owner!.id;
  token = (await createApiToken(db, { orgId: acme.org.id, actor: { userId: owner }, name: 'api test' })).token;
  otherToken = (await createApiToken(db, { orgId: other.org.id, actor: { userId: other.users.owner!.id }, name: 'other' })).token;
  const at = new Date('2026-03-01T00:00:00.000Z');
  await db.user.createMany({ data: Array.from({ length: MEMBERS }, (_, i) => ({ id: `u${i}`, email: `${i % 6 ? 'dev' : 'Lead'}${i}@acme.test` })) });
  // One timestamp for all: only the id tie-break keeps the pages apart.
  await db.membership.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({ id: `m${i}`, orgId: acme.org.id, userId: `u${i}`, role: 'developer' as const, createdAt: at })),
  });
  teamId = (await db.team.create({ data: { orgId: acme.org.id, slug: 'core', name: 'Core' } })).id;
  otherTeamId = (await db.team.create({ data: { orgId: other.org.id, slug: 'core', name: 'Core' } })).id;
  await db.teamMember.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ teamId, membershipId: `m${i}` })) });
  await db.invitation.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      orgId: acme.org.id,
      email: `guest${i}@acme.test`,
      role: 'developer' as const,
      tokenHash: `h${i}`,
      invitedById: owner,
      expiresAt: new Date(Date.now() + 86_400_000),
      createdAt: at,
    })),
  });
  await db.apiToken.createMany({
    data: Array.from({ length: 55 }, (_, i) => ({ orgId: acme.org.id, userId: owner, name: `ci ${i}`, tokenHash: `t${i}`, prefix: 'atr_x', createdAt: at })),
  });
  await db.auditEvent.createMany({
    data: Array.from({ length: 70 }, (_, i) => ({ orgId: acme.org.id, action: 'team.create', targetType: 'team', targetId: `t${i}`, createdAt: at })),
  });
});
afterAll(async () => {
  await db.$disconnect();
  await tdb.drop();
});

const LISTS = [
  { path: '/orgs/acme/members', key: 'members', total: MEMBERS + 1 },
  { path: '/orgs/acme/invitations', key: 'invitations', total: 60 },
  { path: '/orgs/acme/tokens', key: 'tokens', total: 56 },
  { path: '/orgs/acme/audit', key: 'events', total: 71 }, // 70 + the token.create of the test's token
] as const;

describe('paginated list routes', () => {
  for (const list of LISTS) {
    it(`${list.path}: 50 by default, nextCursor then prevCursor walk the whole list exactly once`, async () => {
      const first = await get(list.path);
      expect(first.status).toBe(200);
      expect(first.body[list.key]).toHaveLength(50);
      expect(first.body.prevCursor).toBeNull();
      const seen: string[] = [];
      let page = first;
      for (;;) {
        seen.push(...(page.body[list.key] as Array<{ id: string }>).map((r) => r.id));
        if (!page.body.nextCursor) break;
        page = await get(`${list.path}?limit=20&cursor=${encodeURIComponent(page.body.nextCursor)}`);
        expect(page.status).toBe(200);
      }
      expect(seen).toHaveLength(list.total);
      expect(new Set(seen).size).toBe(list.total);
      const back = await get(`${list.path}?limit=20&cursor=${encodeURIComponent(page.body.prevCursor!)}`);
      const lastIds = (page.body[list.key] as Array<{ id: string }>).map((r) => r.id);
      const backIds = (back.body[list.key] as Array<{ id: string }>).map((r) => r.id);
      expect([...backIds, ...lastIds]).toEqual(seen.slice(seen.length - backIds.length - lastIds.length));
    });

    it(`${list.path}: refuses a limit outside 1–200 and a bad cursor with a clear message`, async () => {
      for (const limit of ['0', '201', 'ten', '1.5', '-3']) {
        const r = await get(`${list.path}?limit=${limit}`);
        expect(r.status, `limit=${limit}`).toBe(422);
        expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('limit') });
      }
      expect((await get(`${list.path}?limit=200`)).body[list.key]).toHaveLength(Math.min(200, list.total));
      const foreign = (await get('/orgs/acme/members?limit=1')).body.nextCursor!;
      for (const cursor of ['%%%', 'bm90LWpzb24', list.key === 'members' ? (await get('/orgs/acme/invitations?limit=1')).body.nextCursor! : foreign]) {
        const r = await get(`${list.path}?cursor=${encodeURIComponent(cursor)}`);
        expect(r.status, `cursor=${cursor}`).toBe(400);
        expect(r.body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/^The cursor is not valid for this list/) });
      }
    });
  }

  it('searches with q, case-insensitively, and pages the matches', async () => {
    const leads = await get('/orgs/acme/members?q=LEAD&limit=15');
    expect((leads.body.members as Array<{ email: string }>).every((m) => m.email.startsWith('Lead'))).toBe(true);
    const next = await get(`/orgs/acme/members?q=LEAD&limit=15&cursor=${encodeURIComponent(leads.body.nextCursor!)}`);
    expect((leads.body.members as unknown[]).length + (next.body.members as unknown[]).length).toBe(MEMBERS / 6);
    expect(next.body.nextCursor).toBeNull();
    expect((await get('/orgs/acme/invitations?q=guest5')).body.invitations).toHaveLength(11);
    expect((await get('/orgs/acme/tokens?q=CI%2051')).body.tokens).toHaveLength(1);
    expect((await get(`/orgs/acme/members?q=${'x'.repeat(101)}`)).status).toBe(422);
  });

  it('teams carry member counts; a team’s members are a filtered, paged members list confined to the org', async () => {
    const teams = await get('/orgs/acme/teams');
    expect(teams.body.teams).toEqual([expect.objectContaining({ slug: 'core', memberCount: 30 })]);
    expect((teams.body.teams as object[])[0]).not.toHaveProperty('members');
    const inTeam = await get(`/orgs/acme/members?teamId=${teamId}&limit=25`);
    expect(inTeam.body.members).toHaveLength(25);
    expect((await get(`/orgs/acme/members?teamId=${teamId}&cursor=${encodeURIComponent(inTeam.body.nextCursor!)}`)).body.members).toHaveLength(5);
    const candidates = await get(`/orgs/acme/members?notInTeamId=${teamId}&limit=200`);
    expect(candidates.body.members).toHaveLength(MEMBERS + 1 - 30);
    // Another org's team id, and acme's team id from another org: nobody.
    expect((await get(`/orgs/acme/members?teamId=${otherTeamId}`)).body.members).toEqual([]);
    expect((await get(`/orgs/other/members?teamId=${teamId}`, otherToken)).body.members).toEqual([]);
    expect((await get('/orgs/acme/members?teamId=not%20an%20id')).status).toBe(422);
  });

  it('documents limit, cursor and q in the OpenAPI document, and nextCursor in the responses', () => {
    const doc = buildOpenApiDocument(allApiRoutes, '/api/v1') as {
      paths: Record<string, { get: { parameters: Array<{ name: string; in: string }>; responses: Record<string, unknown> } }>;
    };
    for (const list of LISTS) {
      const op = doc.paths[list.path.replace('acme', '{org}')]!.get;
      const names = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['limit', 'cursor']));
      if (list.key !== 'events') expect(names).toContain('q');
      expect(JSON.stringify(op.responses['200'])).toContain('nextCursor');
    }
  });
});
