import { AppError } from '@atrium/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { authenticateWithPassword } from './authenticate-with-password.js';
import { createUserWithPassword } from './create-user-with-password.js';
import { signInWithOAuth } from './sign-in-with-oauth.js';
import { verifyEmail } from './verify-email.js';

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

describe('OAuth/OIDC account linking (real Postgres)', () => {
  it('creates a verified, passwordless user on first sign-in and finds it by the provider id afterwards', async () => {
    const first = await signInWithOAuth(client, { provider: 'github', providerAccountId: '42', email: 'Gina@Example.test', emailVerified: true, name: 'Gina' });
    expect(first.email).toBe('gina@example.test');
    expect(first.emailVerified).not.toBeNull();
    expect(first.passwordHash).toBeNull();
    // The provider's address may change later; the link follows the provider id, not the address.
    const again = await signInWithOAuth(client, { provider: 'github', providerAccountId: '42', email: 'other@example.test', emailVerified: true });
    expect(again.id).toBe(first.id);
    expect(await client.account.count({ where: { userId: first.id } })).toBe(1);
    expect(await client.user.count({ where: { email: 'other@example.test' } })).toBe(0);
  });

  it('links a verified password account by its verified email and keeps its password', async () => {
    const { user, verificationToken } = await createUserWithPassword(client, { email: 'pat@example.test', name: 'Pat', password: 'a long enough password' });
    await verifyEmail(client, { token: verificationToken! });
    const linked = await signInWithOAuth(client, { provider: 'oidc', providerAccountId: 'sub-pat', email: 'PAT@example.test', emailVerified: true });
    expect(linked.id).toBe(user.id);
    expect(await client.account.findMany({ where: { userId: user.id }, select: { provider: true, providerAccountId: true } })).toEqual([
      { provider: 'oidc', providerAccountId: 'sub-pat' },
    ]);
    await expect(authenticateWithPassword(client, { email: 'pat@example.test', password: 'a long enough password', ip: '10.1.0.1' })).resolves.toMatchObject({
      id: user.id,
    });
  });

  it('refuses an identity whose email the provider does not vouch for, and writes nothing', async () => {
    const { user } = await createUserWithPassword(client, { email: 'vic@example.test', name: 'Vic', password: 'a long enough password' });
    for (const email of ['vic@example.test', null]) {
      const err = await signInWithOAuth(client, { provider: 'oidc', providerAccountId: 'attacker', email, emailVerified: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('FORBIDDEN');
    }
    expect(await client.account.count({ where: { providerAccountId: 'attacker' } })).toBe(0);
    expect((await client.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).not.toBeNull();
  });

  it('drops the password of an unverified sign-up when the address owner arrives (pre-hijacking)', async () => {
    const { user } = await createUserWithPassword(client, { email: 'owner@example.test', name: 'Squatter', password: 'squatter password' });
    const linked = await signInWithOAuth(client, { provider: 'github', providerAccountId: '7', email: 'owner@example.test', emailVerified: true });
    expect(linked.id).toBe(user.id);
    expect(linked.emailVerified).not.toBeNull();
    expect(linked.passwordHash).toBeNull();
    expect(linked.passwordChangedAt).not.toBeNull();
    await expect(authenticateWithPassword(client, { email: 'owner@example.test', password: 'squatter password', ip: '10.2.0.1' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('settles two racing first sign-ins on one user and one link', async () => {
    const identity = { provider: 'oidc', providerAccountId: 'race', email: 'race@example.test', emailVerified: true };
    const [a, b] = await Promise.all([signInWithOAuth(client, identity), signInWithOAuth(client, identity)]);
    expect(a.id).toBe(b.id);
    expect(await client.account.count({ where: { providerAccountId: 'race' } })).toBe(1);
  });
});
