import { AppError } from '@atrium/core';
import type { User } from '../../generated/prisma/client.js';
import { type Db, isUniqueViolation, normaliseEmail, type Tx } from '../shared.js';

export interface OAuthIdentity {
  /** next-auth provider id: `github`, `oidc`. */
  provider: string;
  /** The provider's stable subject (GitHub user id, OIDC `sub`). */
  providerAccountId: string;
  email: string | null | undefined;
  /** Only true when the provider itself asserts the address is verified. */
  emailVerified: boolean;
  name?: string | null | undefined;
  image?: string | null | undefined;
}

async function findOrLink(tx: Tx, o: OAuthIdentity, now: Date): Promise<User> {
  const linked = await tx.account.findUnique({
    where: { provider_providerAccountId: { provider: o.provider, providerAccountId: o.providerAccountId } },
    include: { user: true },
  });
  if (linked) return linked.user;

  // Linking by address is only as safe as the provider's claim that the
  // address belongs to this person; an unverified one could take over anyone.
  const email = o.email ? normaliseEmail(o.email) : '';
  if (!email || !o.emailVerified) {
    throw new AppError('FORBIDDEN', 'Your account at the sign-in provider has no verified email address. Verify one there, or sign in with your password.');
  }

  let user = await tx.user.findUnique({ where: { email } });
  if (user && !user.emailVerified) {
    // Account pre-hijacking: someone may have signed up with this address
    // (unverified) to wait for its owner. The owner has now proved the
    // address, so the unproven password is dropped and its sessions end.
    user = await tx.user.update({ where: { id: user.id }, data: { emailVerified: now, passwordHash: null, passwordChangedAt: now } });
  }
  user ??= await tx.user.create({
    data: { email, name: o.name?.trim().slice(0, 100) || null, image: o.image ?? null, emailVerified: now },
  });
  // Provider tokens are not stored: the console never calls the provider's
  // API after sign-in, so keeping them would only be something to leak.
  await tx.account.create({
    data: { userId: user.id, type: 'oauth', provider: o.provider, providerAccountId: o.providerAccountId },
  });
  return user;
}

/**
 * The user behind an OAuth/OIDC sign-in: the account already linked to this
 * provider identity, else the user with the same (provider-verified) email,
 * else a new verified user; the link is recorded in `Account`. Throws
 * FORBIDDEN when the provider does not vouch for an email address.
 */
export async function signInWithOAuth(db: Db, o: OAuthIdentity & { now?: Date }): Promise<User> {
  const now = o.now ?? new Date();
  try {
    return await db.$transaction((tx) => findOrLink(tx, o, now));
  } catch (e) {
    // Two first sign-ins racing (two tabs): the loser finds the winner's rows.
    if (isUniqueViolation(e)) return db.$transaction((tx) => findOrLink(tx, o, now));
    throw e;
  }
}
