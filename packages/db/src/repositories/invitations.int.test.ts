import { AppError } from '@atrium/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../client.js';
import { makeOrg, makeUser } from '../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { acceptInvitation, findUsableInvitation } from './invitations/accept-invitation.js';
import { createInvitation, INVITATION_TTL_MS } from './invitations/create-invitation.js';
import { revokeInvitation } from './invitations/revoke-invitation.js';
import { createUserWithPassword } from './users/create-user-with-password.js';

const SECRET = 'integration-test-invitation-secret';

let db: TestDatabase;
let client: PrismaClient;
let acme: Awaited<ReturnType<typeof makeOrg>>;

beforeAll(async () => {
  db = await createTestDatabase();
  client = createPrismaClient(db.url, 4);
  acme = await makeOrg(client, 'acme', { owner: 'owner', admin: 'admin', dev: 'developer' });
});
afterAll(async () => {
  await client.$disconnect();
  await db.drop();
});

async function invite(email: string, o: { role?: 'admin' | 'developer' | 'owner'; now?: Date; as?: 'owner' | 'admin' } = {}) {
  const as = o.as ?? 'owner';
  return createInvitation(client, {
    orgId: acme.org.id,
    actor: { userId: acme.users[as]!.id },
    actorRole: as,
    email,
    role: o.role ?? 'developer',
    secret: SECRET,
    ...(o.now ? { now: o.now } : {}),
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

describe('invitations (real Postgres)', () => {
  it('an existing user accepts once; the link is then used up', async () => {
    const user = await makeUser(client, 'invitee');
    const { token } = await invite(user.email);
    const org = await acceptInvitation(client, { token, secret: SECRET, userId: user.id });
    expect(org.slug).toBe('acme');
    expect(await client.membership.findUnique({ where: { orgId_userId: { orgId: acme.org.id, userId: user.id } } })).toMatchObject({ role: 'developer' });
    expect(await code(acceptInvitation(client, { token, secret: SECRET, userId: user.id }))).toBe('GONE');
    const events = await client.auditEvent.findMany({ where: { orgId: acme.org.id, action: { startsWith: 'invitation.' } } });
    expect(events.map((e) => e.action).sort()).toEqual(['invitation.accept', 'invitation.create']);
  });

  it('two concurrent accepts of one link make exactly one membership', async () => {
    const user = await makeUser(client, 'racer');
    const { token } = await invite(user.email);
    const results = await Promise.all([1, 2, 3].map(() => code(acceptInvitation(client, { token, secret: SECRET, userId: user.id }))));
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    expect(await client.membership.count({ where: { orgId: acme.org.id, userId: user.id } })).toBe(1);
  });

  it('an expired link is refused (signature expiry and row expiry)', async () => {
    const user = await makeUser(client, 'late');
    const past = new Date(Date.now() - INVITATION_TTL_MS - 60_000);
    const { token } = await invite(user.email, { now: past });
    expect(await code(acceptInvitation(client, { token, secret: SECRET, userId: user.id }))).toBe('GONE');
    expect(await client.membership.count({ where: { orgId: acme.org.id, userId: user.id } })).toBe(0);
  });

  it('a revoked link is refused, and re-inviting replaces the old link', async () => {
    const user = await makeUser(client, 'revoked');
    const first = await invite(user.email);
    const second = await invite(user.email);
    expect(await code(acceptInvitation(client, { token: first.token, secret: SECRET, userId: user.id }))).toBe('GONE');
    await revokeInvitation(client, { orgId: acme.org.id, actor: { userId: acme.users.owner!.id }, invitationId: second.invitation.id });
    expect(await code(acceptInvitation(client, { token: second.token, secret: SECRET, userId: user.id }))).toBe('GONE');
    expect(await client.membership.count({ where: { orgId: acme.org.id, userId: user.id } })).toBe(0);
  });

  it('a forged or foreign-key link is not found', async () => {
    const user = await makeUser(client, 'forger');
    const { token } = await invite(user.email);
    expect(await code(findUsableInvitation(client, { token, secret: 'some-other-secret-value' }))).toBe('NOT_FOUND');
    expect(await code(findUsableInvitation(client, { token: `${token}x`, secret: SECRET }))).toBe('NOT_FOUND');
  });

  it('only the invited address can accept', async () => {
    const invitee = await makeUser(client, 'rightful');
    const other = await makeUser(client, 'interloper');
    const { token } = await invite(invitee.email);
    expect(await code(acceptInvitation(client, { token, secret: SECRET, userId: other.id }))).toBe('FORBIDDEN');
    expect(await code(acceptInvitation(client, { token, secret: SECRET, userId: invitee.id }))).toBe('OK');
  });

  it('a newcomer signs up through the link: verified, member, link used', async () => {
    const email = 'newcomer@example.test';
    const { token } = await invite(email, { role: 'admin' });
    const created = await createUserWithPassword(client, { email, name: 'New', password: 'a long enough password', invitation: { token, secret: SECRET } });
    expect(created.joinedOrgSlug).toBe('acme');
    expect(created.verificationToken).toBeNull();
    expect(created.user.emailVerified).not.toBeNull();
    expect(await client.membership.findFirst({ where: { orgId: acme.org.id, userId: created.user.id } })).toMatchObject({ role: 'admin' });
    // Signing up through someone else's invitation fails and creates no account.
    const stolen = await invite('victim@example.test');
    expect(
      await code(
        createUserWithPassword(client, {
          email: 'thief@example.test',
          name: 'T',
          password: 'a long enough password',
          invitation: { token: stolen.token, secret: SECRET },
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(await client.user.count({ where: { email: 'thief@example.test' } })).toBe(0);
  });

  it('admins cannot invite owners; developers cannot invite at all (matrix enforced in the verb)', async () => {
    expect(await code(invite('x1@example.test', { role: 'owner', as: 'admin' }))).toBe('FORBIDDEN');
    expect(
      await code(
        createInvitation(client, {
          orgId: acme.org.id,
          actor: { userId: acme.users.dev!.id },
          actorRole: 'developer',
          email: 'x2@example.test',
          role: 'developer',
          secret: SECRET,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(await client.invitation.count({ where: { email: { in: ['x1@example.test', 'x2@example.test'] } } })).toBe(0);
  });

  it('refuses a team of another org', async () => {
    const other = await makeOrg(client, 'globex', { owner: 'owner' });
    const team = await client.team.create({ data: { orgId: other.org.id, slug: 'secret', name: 'Secret' } });
    expect(
      await code(
        createInvitation(client, {
          orgId: acme.org.id,
          actor: { userId: acme.users.owner!.id },
          actorRole: 'owner',
          email: 'x3@example.test',
          role: 'developer',
          teamId: team.id,
          secret: SECRET,
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });
});
