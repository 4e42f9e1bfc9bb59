/**
 * Keyset pagination of the console's long lists on real Postgres: walking the
 * pages forward (nextCursor) and back (prevCursor) yields exactly the whole
 * list once, in order, even when many rows share a createdAt; search is
 * case-insensitive and literal; another org's id sees none of these rows;
 * a tampered or foreign cursor is a BAD_REQUEST naming the cursor.
 */
import { AppError } from '@atrium/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../client.js';
import { makeOrg } from '../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { listAuditEvents } from './audit/list-audit-events.js';
import { listInvitations } from './invitations/list-invitations.js';
import { listMembers, summarizeMembers } from './members/list-members.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest, pageSize } from './paging.js';
import { listTeams } from './teams/list-teams.js';
import { listApiTokens } from './tokens/list-api-tokens.js';

let tdb: TestDatabase;
let db: PrismaClient;
let acme: Awaited<ReturnType<typeof makeOrg>>;
let other: Awaited<ReturnType<typeof makeOrg>>;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
/** Rows come in bursts of 7 sharing one timestamp, as bulk inserts do. */
const at = (i: number) => new Date(T0 + Math.floor(i / 7) * 1000);
const MEMBERS = 137;
let teamA: string;
let teamB: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  acme = await makeOrg(db, 'acme', { owner: 'owner' });
  other = await makeOrg(db, 'other', { owner: 'owner', dev: 'developer' });
  // Ids not in createdAt order, so a sort on id alone would interleave the bursts wrongly.
  const ids = Array.from({ length: MEMBERS }, (_, i) => `m${String((i * 37) % MEMBERS).padStart(4, '0')}`);
  await db.user.createMany({
    data: ids.map((id, i) => ({
      id: `u-${id}`,
      email: i % 10 === 0 ? `Ops_Person${i}@Example.test` : `person${i}@example.test`,
      name: i % 3 === 0 ? `Zoë Lambda ${i}` : null,
    })),
  });
  await db.membership.createMany({
    data: ids.map((id, i) => ({ id, orgId: acme.org.id, userId: `u-${id}`, role: 'developer' as const, createdAt: at(i) })),
  });
  // The owner joined before everyone else.
  await db.membership.update({ where: { id: acme.memberships.owner!.id }, data: { createdAt: new Date(T0 - 60_000) } });
  teamA = (await db.team.create({ data: { orgId: acme.org.id, slug: 'a', name: 'A' } })).id;
  teamB = (await db.team.create({ data: { orgId: acme.org.id, slug: 'b', name: 'B', parentId: teamA } })).id;
  await db.teamMember.createMany({ data: ids.filter((_, i) => i % 4 === 0).map((membershipId) => ({ teamId: teamA, membershipId })) });
  await db.teamMember.create({ data: { teamId: teamB, membershipId: ids[1]! } });
});
afterAll(async () => {
  await db.$disconnect();
  await tdb.drop();
});

/** Every page forward, then every page back from the last one. */
async function walk<T extends { id: string | bigint }>(list: (req: PageRequest) => Promise<Page<T>>, limit: number) {
  const forward: T[][] = [];
  let cursor: string | null = null;
  let last: Page<T> | null = null;
  do {
    const page: Page<T> = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (forward.length === 0) expect(page.prevCursor).toBeNull();
    forward.push(page.items);
    last = page;
    cursor = page.nextCursor;
    expect(forward.length).toBeLessThan(1000);
  } while (cursor);
  const backward: T[][] = [last!.items];
  cursor = last!.prevCursor;
  while (cursor) {
    const page: Page<T> = await list({ limit, cursor });
    backward.unshift(page.items);
    cursor = page.prevCursor;
    expect(backward.length).toBeLessThan(1000);
  }
  const ids = (pages: T[][]) => pages.flat().map((r) => r.id.toString());
  return { forward: ids(forward), backward: ids(backward), pages: forward.length };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof AppError) return `${e.code}: ${e.message}`;
    throw e;
  }
}

describe('members', () => {
  it('pages join up to exactly the whole list, oldest first, forward and back, at any page size', async () => {
    const all = await db.membership.findMany({ where: { orgId: acme.org.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
    expect(all).toHaveLength(MEMBERS + 1);
    expect(all[0]!.id).toBe(acme.memberships.owner!.id);
    for (const limit of [1, 6, 7, 8, 50, MAX_PAGE_SIZE]) {
      const r = await walk((req) => listMembers(db, { orgId: acme.org.id, ...req }), limit);
      expect(r.forward, `limit ${limit}`).toEqual(all.map((m) => m.id));
      expect(r.backward, `limit ${limit} backwards`).toEqual(r.forward);
      expect(r.pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    }
  });

  it('a row added behind the cursor neither repeats nor shifts the next page', async () => {
    const first = await listMembers(db, { orgId: acme.org.id, limit: 10 });
    const late = await db.user.create({ data: { email: 'late@example.test' } });
    const m = await db.membership.create({ data: { orgId: acme.org.id, userId: late.id, role: 'developer', createdAt: new Date(T0 - 120_000) } });
    try {
      const second = await listMembers(db, { orgId: acme.org.id, limit: 10, cursor: first.nextCursor });
      const expected = await db.membership.findMany({
        where: { orgId: acme.org.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip: 11,
        take: 10,
      });
      expect(second.items.map((x) => x.id)).toEqual(expected.map((x) => x.id));
    } finally {
      await db.membership.delete({ where: { id: m.id } });
    }
  });

  it('searches email and name case-insensitively, wildcards taken literally, and pages the matches', async () => {
    const byEmail = await walk((req) => listMembers(db, { orgId: acme.org.id, q: 'OPS_person', ...req }), 3);
    expect(byEmail.forward).toHaveLength(Math.ceil(MEMBERS / 10));
    expect(byEmail.backward).toEqual(byEmail.forward);
    const underscore = await listMembers(db, { orgId: acme.org.id, q: '_', limit: 200 });
    expect(underscore.items.map((m) => m.email).every((e) => e.includes('_'))).toBe(true);
    expect(underscore.items).toHaveLength(Math.ceil(MEMBERS / 10));
    expect((await listMembers(db, { orgId: acme.org.id, q: '%', limit: 200 })).items).toEqual([]);
    const byName = await listMembers(db, { orgId: acme.org.id, q: 'zoë lambda', limit: 200 });
    expect(byName.items).toHaveLength(Math.ceil(MEMBERS / 3));
    expect(byName.items.every((m) => m.name?.startsWith('Zoë Lambda'))).toBe(true);
    expect((await listMembers(db, { orgId: acme.org.id, q: '   ', limit: 5 })).items).toHaveLength(5);
  });

  it('lists one team’s members or everyone else, with each member’s teams', async () => {
    const inA = await walk((req) => listMembers(db, { orgId: acme.org.id, teamId: teamA, ...req }), 9);
    expect(inA.forward).toHaveLength(Math.ceil(MEMBERS / 4));
    const notInA = await walk((req) => listMembers(db, { orgId: acme.org.id, notInTeamId: teamA, ...req }), 50);
    expect(notInA.forward).toHaveLength(MEMBERS + 1 - inA.forward.length);
    expect(new Set([...inA.forward, ...notInA.forward]).size).toBe(MEMBERS + 1);
    const [member] = (await listMembers(db, { orgId: acme.org.id, teamId: teamB, limit: 5 })).items;
    expect(member?.teams.map((t) => t.slug)).toEqual(['b']);
  });

  it('another org’s id sees none of these members, not even through a team id or a cursor', async () => {
    const acmePage = await listMembers(db, { orgId: acme.org.id, limit: 5 });
    const theirs = await listMembers(db, { orgId: other.org.id, limit: 200 });
    expect(theirs.items.map((m) => m.id).sort()).toEqual(
      Object.values(other.memberships)
        .map((m) => m.id)
        .sort(),
    );
    expect((await listMembers(db, { orgId: other.org.id, teamId: teamA, limit: 200 })).items).toEqual([]);
    const viaCursor = await listMembers(db, { orgId: other.org.id, cursor: acmePage.nextCursor, limit: 200 });
    expect(viaCursor.items.every((m) => Object.values(other.memberships).some((o) => o.id === m.id))).toBe(true);
    expect((await listMembers(db, { orgId: 'no-such-org', limit: 200 })).items).toEqual([]);
  });

  it('refuses a tampered, truncated or foreign cursor as a bad request', async () => {
    const page = await listMembers(db, { orgId: acme.org.id, limit: 5 });
    const invitationCursor = Buffer.from(JSON.stringify({ l: 'invitations', t: new Date().toISOString(), i: 'x' })).toString('base64url');
    const badDate = Buffer.from(JSON.stringify({ l: 'members', t: 'yesterday', i: 'x' })).toString('base64url');
    const injected = Buffer.from(JSON.stringify({ l: 'members', t: new Date().toISOString(), i: "x' or 1=1 --" })).toString('base64url');
    for (const cursor of ['garbage!', 'e30', page.nextCursor!.slice(0, 10), invitationCursor, badDate, injected, 'a'.repeat(500)]) {
      expect(await code(listMembers(db, { orgId: acme.org.id, cursor, limit: 5 })), cursor).toMatch(/^BAD_REQUEST: The cursor is not valid/);
    }
  });

  it('clamps the page size', async () => {
    expect(pageSize(10_000)).toBe(MAX_PAGE_SIZE);
    expect(pageSize(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect((await listMembers(db, { orgId: acme.org.id })).items).toHaveLength(DEFAULT_PAGE_SIZE);
    expect((await listMembers(db, { orgId: acme.org.id, limit: 0 })).items).toHaveLength(1);
  });

  it('summarises an org as a count and the newest few', async () => {
    const s = await summarizeMembers(db, { orgId: acme.org.id, recent: 3 });
    expect(s.count).toBe(MEMBERS + 1);
    const newest = await db.membership.findMany({ where: { orgId: acme.org.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 3 });
    expect(s.recent.map((m) => m.id)).toEqual(newest.map((m) => m.id));
    expect((await summarizeMembers(db, { orgId: other.org.id })).count).toBe(2);
  });
});

describe('teams', () => {
  it('carry member counts and whether a given member belongs, never the members themselves', async () => {
    const teams = await listTeams(db, { orgId: acme.org.id, memberId: (await db.teamMember.findFirstOrThrow({ where: { teamId: teamB } })).membershipId });
    expect(teams.map((t) => [t.slug, t.memberCount, t.hasMember])).toEqual([
      ['a', Math.ceil(MEMBERS / 4), false],
      ['b', 1, true],
    ]);
    expect(teams[0]).not.toHaveProperty('members');
    expect((await listTeams(db, { orgId: acme.org.id })).every((t) => !t.hasMember)).toBe(true);
    expect(await listTeams(db, { orgId: other.org.id })).toEqual([]);
  });
});

describe('invitations', () => {
  beforeAll(async () => {
    await db.invitation.createMany({
      data: Array.from({ length: 75 }, (_, i) => ({
        id: `inv${String((i * 13) % 75).padStart(3, '0')}`,
        orgId: acme.org.id,
        email: i % 5 === 0 ? `Contractor${i}@Vendor.test` : `hire${i}@example.test`,
        role: 'developer' as const,
        tokenHash: `hash-${i}`,
        invitedById: acme.users.owner!.id,
        expiresAt: new Date(T0 + 86_400_000),
        createdAt: at(i),
        ...(i === 3 ? { teamId: teamA } : {}),
      })),
    });
    await db.invitation.create({
      data: {
        orgId: other.org.id,
        email: 'contractor-other@vendor.test',
        role: 'developer',
        tokenHash: 'other',
        invitedById: other.users.owner!.id,
        expiresAt: new Date(),
      },
    });
  });

  it('pages newest first, forward and back, to exactly the whole list', async () => {
    const all = await db.invitation.findMany({ where: { orgId: acme.org.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    for (const limit of [1, 7, 10, 50]) {
      const r = await walk((req) => listInvitations(db, { orgId: acme.org.id, now: new Date(T0), ...req }), limit);
      expect(r.forward, `limit ${limit}`).toEqual(all.map((i) => i.id));
      expect(r.backward).toEqual(r.forward);
    }
    const [first] = (await listInvitations(db, { orgId: acme.org.id, q: 'hire3@', limit: 1, now: new Date(T0) })).items;
    expect(first).toMatchObject({ status: 'pending', invitedByEmail: acme.users.owner!.email, team: { id: teamA, name: 'A' } });
  });

  it('searches the email, and stays inside the org', async () => {
    const r = await walk((req) => listInvitations(db, { orgId: acme.org.id, q: 'CONTRACTOR', ...req }), 4);
    expect(r.forward).toHaveLength(15);
    expect((await listInvitations(db, { orgId: other.org.id, limit: 200 })).items.map((i) => i.email)).toEqual(['contractor-other@vendor.test']);
    const acmeCursor = (await listInvitations(db, { orgId: acme.org.id, limit: 2 })).nextCursor;
    expect(await code(listMembers(db, { orgId: acme.org.id, cursor: acmeCursor, limit: 2 }))).toMatch(/^BAD_REQUEST/);
    expect(await code(listInvitations(db, { orgId: acme.org.id, cursor: 'nope', limit: 2 }))).toMatch(/^BAD_REQUEST/);
  });
});

describe('API tokens', () => {
  beforeAll(async () => {
    const owner = acme.users.owner!.id;
    await db.apiToken.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        id: `tok${String((i * 7) % 30).padStart(2, '0')}`,
        orgId: acme.org.id,
        userId: owner,
        name: i % 2 ? `CI deploy ${i}` : `laptop ${i}`,
        tokenHash: `th-${i}`,
        prefix: 'atr_x',
        createdAt: at(i),
      })),
    });
    // Someone else's token in the same org, and the same person's in another org: never listed.
    const dev = await db.membership.create({ data: { orgId: acme.org.id, userId: other.users.dev!.id, role: 'developer' } });
    await db.apiToken.create({ data: { orgId: acme.org.id, userId: dev.userId, name: 'CI deploy theirs', tokenHash: 'th-dev', prefix: 'atr_y' } });
    await db.membership.create({ data: { orgId: other.org.id, userId: owner, role: 'developer' } });
    await db.apiToken.create({ data: { orgId: other.org.id, userId: owner, name: 'CI deploy elsewhere', tokenHash: 'th-else', prefix: 'atr_z' } });
  });

  it('pages one person’s tokens in one org, newest first, and searches their names', async () => {
    const o = { orgId: acme.org.id, userId: acme.users.owner!.id };
    const all = await db.apiToken.findMany({ where: o, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    expect(all).toHaveLength(30);
    for (const limit of [1, 7, 30, 31]) {
      const r = await walk((req) => listApiTokens(db, { ...o, ...req }), limit);
      expect(r.forward, `limit ${limit}`).toEqual(all.map((t) => t.id));
      expect(r.backward).toEqual(r.forward);
    }
    const ci = await walk((req) => listApiTokens(db, { ...o, q: 'ci DEPLOY', ...req }), 4);
    expect(ci.forward).toHaveLength(15);
    expect((await listApiTokens(db, { orgId: other.org.id, userId: o.userId, limit: 200 })).items.map((t) => t.name)).toEqual(['CI deploy elsewhere']);
    expect(await code(listApiTokens(db, { ...o, cursor: Buffer.from('{}').toString('base64url') }))).toMatch(/^BAD_REQUEST/);
  });
});

describe('audit events', () => {
  beforeAll(async () => {
    await db.auditEvent.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        orgId: acme.org.id,
        actorUserId: i % 2 ? acme.users.owner!.id : null,
        action: i % 3 ? 'member.role' : 'team.create',
        targetType: i % 3 ? 'member' : 'team',
        targetId: `x${i}`,
        // Reversed: the newest events have the lowest ids, so id order is not time order.
        createdAt: at(119 - i),
      })),
    });
    await db.auditEvent.create({ data: { orgId: other.org.id, action: 'team.create', targetType: 'team', targetId: 'theirs' } });
  });

  it('pages newest first by time, forward and back, with filters, inside the org', async () => {
    const all = await db.auditEvent.findMany({ where: { orgId: acme.org.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    const list = (extra: object) => async (req: PageRequest) => {
      const r = await listAuditEvents(db, { orgId: acme.org.id, ...extra, ...req });
      return { items: r.events, nextCursor: r.nextCursor, prevCursor: r.prevCursor };
    };
    for (const limit of [1, 7, 50, 200]) {
      const r = await walk(list({}), limit);
      expect(r.forward, `limit ${limit}`).toEqual(all.map((e) => e.id.toString()));
      expect(r.backward).toEqual(r.forward);
    }
    const teamCreates = await walk(list({ action: 'team.' }), 9);
    expect(teamCreates.forward).toHaveLength(40);
    const byOwner = await walk(list({ actor: acme.users.owner!.email.toUpperCase() }), 11);
    expect(byOwner.forward).toHaveLength(60);
    const firstMinute = await walk(list({ from: new Date(T0), to: new Date(T0 + 7000) }), 3);
    expect(firstMinute.forward).toHaveLength(49);
    const theirs = await listAuditEvents(db, { orgId: other.org.id, limit: 200 });
    expect(theirs.events.map((e) => e.targetId)).toContain('theirs');
    expect(theirs.events.some((e) => e.targetId.startsWith('x'))).toBe(false);
    expect(await code(listAuditEvents(db, { orgId: acme.org.id, cursor: (await listMembers(db, { orgId: acme.org.id, limit: 1 })).nextCursor }))).toMatch(
      /^BAD_REQUEST/,
    );
  });

  it('still honours `before` (an id bound) for clients of the old nextBefore', async () => {
    const first = await listAuditEvents(db, { orgId: acme.org.id, limit: 5 });
    expect(first.nextBefore).toBe(first.events[4]!.id);
    const below = await listAuditEvents(db, { orgId: acme.org.id, before: first.nextBefore!, limit: 200 });
    expect(below.events.every((e) => e.id < first.nextBefore!)).toBe(true);
  });
});
