import { AppError, SIGN_IN_THROTTLE } from '@atrium/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../client.js';
import { makeOrg } from '../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { changeMemberRole } from './members/change-member-role.js';
import { removeMember } from './members/remove-member.js';
import { authenticateWithPassword } from './users/authenticate-with-password.js';
import { changePassword } from './users/change-password.js';
import { createUserWithPassword } from './users/create-user-with-password.js';
import { requestPasswordReset } from './users/request-password-reset.js';
import { resetPassword } from './users/reset-password.js';
import { verifyEmail } from './users/verify-email.js';

let db: TestDatabase;
let client: PrismaClient;
beforeAll(async () => {
  db = await createTestDatabase();
  client = createPrismaClient(db.url, 4);
});
afterAll(async () => {
  await client.$disconnect();
  await db.drop();
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('sign-up, verification and passwords (real Postgres)', () => {
  it('verifies an email once with the mailed token', async () => {
    const { user, verificationToken } = await createUserWithPassword(client, { email: 'Vera@Example.test', name: 'Vera', password: 'a long enough password' });
    expect(user.email).toBe('vera@example.test');
    expect(user.emailVerified).toBeNull();
    expect(await verifyEmail(client, { token: verificationToken! })).toEqual({ email: 'vera@example.test' });
    expect((await client.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerified).not.toBeNull();
    expect((await failure(verifyEmail(client, { token: verificationToken! }))).code).toBe('GONE');
    // Only a hash is stored.
    expect(await client.verificationToken.count({ where: { token: verificationToken! } })).toBe(0);
  });

  it('refuses a duplicate address, whatever its case', async () => {
    expect((await failure(createUserWithPassword(client, { email: 'VERA@example.test', name: 'V2', password: 'a long enough password' }))).code).toBe(
      'CONFLICT',
    );
  });

  it('resets a password once and ends older sessions', async () => {
    await createUserWithPassword(client, { email: 'rita@example.test', name: 'Rita', password: 'the old password' });
    expect(await requestPasswordReset(client, { email: 'nobody@example.test' })).toBeNull();
    const reset = await requestPasswordReset(client, { email: 'rita@example.test' });
    await resetPassword(client, { token: reset!.token, password: 'the new password!' });
    const user = await authenticateWithPassword(client, { email: 'rita@example.test', password: 'the new password!', ip: '10.0.0.1' });
    expect(user.passwordChangedAt).not.toBeNull();
    expect((await failure(resetPassword(client, { token: reset!.token, password: 'yet another one' }))).code).toBe('GONE');
    expect((await failure(authenticateWithPassword(client, { email: 'rita@example.test', password: 'the old password', ip: '10.0.0.1' }))).code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('changes a password only with the current one', async () => {
    const { user } = await createUserWithPassword(client, { email: 'carl@example.test', name: 'Carl', password: 'carls password' });
    expect((await failure(changePassword(client, { userId: user.id, currentPassword: 'wrong', newPassword: 'carls new password' }))).code).toBe(
      'VALIDATION_FAILED',
    );
    await changePassword(client, { userId: user.id, currentPassword: 'carls password', newPassword: 'carls new password' });
    await expect(authenticateWithPassword(client, { email: 'carl@example.test', password: 'carls new password', ip: '10.0.0.2' })).resolves.toMatchObject({
      id: user.id,
    });
  });
});

describe('sign-in throttling (real Postgres)', () => {
  it('locks an account after too many failures, even for the right password, then frees it after the window', async () => {
    await createUserWithPassword(client, { email: 'tom@example.test', name: 'Tom', password: 'toms real password' });
    const t0 = new Date();
    for (let i = 0; i < SIGN_IN_THROTTLE.maxAccountFailures; i++) {
      // Different IPs: the account limit holds across addresses.
      const e = await failure(authenticateWithPassword(client, { email: 'tom@example.test', password: `guess ${i}`, ip: `10.1.0.${i}`, now: t0 }));
      expect(e.code).toBe('UNAUTHENTICATED');
    }
    const locked = await failure(authenticateWithPassword(client, { email: 'tom@example.test', password: 'toms real password', ip: '10.1.1.1', now: t0 }));
    expect(locked.code).toBe('TOO_MANY_REQUESTS');
    expect(locked.message).toMatch(/Too many failed sign-ins for this account/);
    expect(locked.retryAfterSeconds).toBeGreaterThan(0);
    // Throttled attempts are not evaluated, so they are not recorded as failures.
    expect(await client.signInAttempt.count({ where: { email: 'tom@example.test' } })).toBe(SIGN_IN_THROTTLE.maxAccountFailures);
    const later = new Date(t0.getTime() + SIGN_IN_THROTTLE.windowMinutes * 60_000 + 1000);
    await expect(
      authenticateWithPassword(client, { email: 'tom@example.test', password: 'toms real password', ip: '10.1.1.1', now: later }),
    ).resolves.toMatchObject({
      email: 'tom@example.test',
    });
  });

  it('a password reset lifts an account lock-out', async () => {
    await createUserWithPassword(client, { email: 'lou@example.test', name: 'Lou', password: 'lous first password' });
    for (let i = 0; i < SIGN_IN_THROTTLE.maxAccountFailures; i++) {
      await failure(authenticateWithPassword(client, { email: 'lou@example.test', password: `guess ${i}`, ip: `10.2.0.${i}` }));
    }
    expect((await failure(authenticateWithPassword(client, { email: 'lou@example.test', password: 'lous first password', ip: '10.2.1.1' }))).code).toBe(
      'TOO_MANY_REQUESTS',
    );
    const reset = await requestPasswordReset(client, { email: 'lou@example.test' });
    await new Promise((r) => setTimeout(r, 1000));
    await resetPassword(client, { token: reset!.token, password: 'lous second password' });
    await expect(authenticateWithPassword(client, { email: 'lou@example.test', password: 'lous second password', ip: '10.2.1.1' })).resolves.toMatchObject({
      email: 'lou@example.test',
    });
  });

  it('limits one IP across many accounts', async () => {
    const t0 = new Date();
    const ip = '192.0.2.77';
    for (let i = 0; i < SIGN_IN_THROTTLE.maxIpFailures; i++) {
      await failure(authenticateWithPassword(client, { email: `spray${i}@example.test`, password: 'x', ip, now: t0 }));
    }
    const e = await failure(authenticateWithPassword(client, { email: 'vera@example.test', password: 'a long enough password', ip, now: t0 }));
    expect(e.code).toBe('TOO_MANY_REQUESTS');
    expect(e.message).toMatch(/from your network/);
    await expect(
      authenticateWithPassword(client, { email: 'vera@example.test', password: 'a long enough password', ip: '192.0.2.78', now: t0 }),
    ).resolves.toBeTruthy();
  });
});

describe('the last owner (real Postgres)', () => {
  it('cannot be demoted or removed, even by two owners racing to demote each other', async () => {
    const { org, memberships, users } = await makeOrg(client, 'solo', { a: 'owner', b: 'owner', admin: 'admin' });
    const demote = (actor: 'a' | 'b', target: 'a' | 'b') =>
      changeMemberRole(client, {
        orgId: org.id,
        actor: { userId: users[actor]!.id },
        actorRole: 'owner',
        memberId: memberships[target]!.id,
        role: 'developer',
      }).then(
        () => 'OK',
        (e: AppError) => e.code,
      );
    const results = await Promise.all([demote('a', 'b'), demote('b', 'a')]);
    expect(results.sort()).toEqual(['CONFLICT', 'OK']);
    expect(await client.membership.count({ where: { orgId: org.id, role: 'owner' } })).toBe(1);
    const owner = await client.membership.findFirstOrThrow({ where: { orgId: org.id, role: 'owner' } });
    expect((await failure(removeMember(client, { orgId: org.id, actor: { userId: owner.userId }, actorRole: 'owner', memberId: owner.id }))).code).toBe(
      'CONFLICT',
    );
    expect(
      (await failure(changeMemberRole(client, { orgId: org.id, actor: { userId: users.admin!.id }, actorRole: 'admin', memberId: owner.id, role: 'admin' })))
        .code,
    ).toBe('FORBIDDEN');
  });
});
