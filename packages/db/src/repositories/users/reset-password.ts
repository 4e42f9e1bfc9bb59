import { hashPassword } from '@atrium/core';
import type { Db } from '../shared.js';
import { consumeOneTimeToken } from './one-time-tokens.js';

/**
 * Sets a new password from a reset link. The link proves control of the
 * mailbox, so it also verifies the address; every existing session ends.
 */
export async function resetPassword(db: Db, o: { token: string; password: string; now?: Date }): Promise<{ email: string }> {
  const passwordHash = await hashPassword(o.password);
  // Whole seconds, like JWT `iat`: the session signed in right after the reset stays valid.
  const now = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
  return db.$transaction(async (tx) => {
    const email = await consumeOneTimeToken(tx, { token: o.token, purpose: 'reset-password', now });
    const user = await tx.user.findUnique({ where: { email } });
    await tx.user.update({ where: { email }, data: { passwordHash, passwordChangedAt: now, emailVerified: user?.emailVerified ?? now } });
    return { email };
  });
}
