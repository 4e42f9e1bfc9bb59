import { AppError, decideSignInThrottle, type FailureWindow, hashPassword, SIGN_IN_THROTTLE, verifyPassword } from '@atrium/core';
import type { User } from '../../generated/prisma/client.js';
import { type Db, normaliseEmail } from '../shared.js';

// Verified against when the account does not exist, so a miss costs the same
// time as a wrong password and response times do not reveal accounts.
let dummyHash: Promise<string> | undefined;

async function failures(db: Db, where: { email: string } | { ip: string }, since: Date): Promise<FailureWindow> {
  const [count, oldest] = await Promise.all([
    db.signInAttempt.count({ where: { ...where, succeeded: false, createdAt: { gte: since } } }),
    db.signInAttempt.findFirst({
      where: { ...where, succeeded: false, createdAt: { gte: since } },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    }),
  ]);
  return { count, oldestAt: oldest?.createdAt ?? null };
}

/**
 * Password sign-in with per-account and per-IP throttling. Throws
 * TOO_MANY_REQUESTS (with the wait) before evaluating the password when a
 * limit is reached, UNAUTHENTICATED on a wrong email or password.
 */
export async function authenticateWithPassword(db: Db, o: { email: string; password: string; ip: string; now?: Date }): Promise<User> {
  const email = normaliseEmail(o.email);
  const now = o.now ?? new Date();
  const since = new Date(now.getTime() - SIGN_IN_THROTTLE.windowMinutes * 60_000);
  const user = await db.user.findUnique({ where: { email } });
  // A password reset proves control of the mailbox, so failures before it no
  // longer lock the account ("…or reset your password" in the message).
  const accountSince = user?.passwordChangedAt && user.passwordChangedAt > since ? user.passwordChangedAt : since;
  const [account, ip] = await Promise.all([failures(db, { email }, accountSince), failures(db, { ip: o.ip }, since)]);
  const decision = decideSignInThrottle({ account, ip, now });
  if (!decision.allowed) throw new AppError('TOO_MANY_REQUESTS', decision.message, { retryAfterSeconds: decision.retryAfterSeconds });

  dummyHash ??= hashPassword('atrium-timing-equaliser');
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, o.password) : (await verifyPassword(await dummyHash, o.password)) && false;
  await db.signInAttempt.create({ data: { email, ip: o.ip, userId: user?.id ?? null, succeeded: ok, createdAt: now } });
  if (!user || !ok) throw new AppError('UNAUTHENTICATED', 'Wrong email or password.');
  return user;
}
