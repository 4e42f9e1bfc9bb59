import { AppError } from '@atrium/core';
import type { Db } from '../shared.js';
import { issueOneTimeToken } from './one-time-tokens.js';

/** A fresh verification link for a signed-in, unverified user. */
export async function resendVerification(db: Db, o: { userId: string }): Promise<{ email: string; token: string }> {
  const user = await db.user.findUnique({ where: { id: o.userId } });
  if (!user) throw AppError.notFound('User');
  if (user.emailVerified) throw new AppError('CONFLICT', 'Your email address is already verified.');
  return { email: user.email, token: await issueOneTimeToken(db, { identifier: user.email, purpose: 'verify-email' }) };
}
