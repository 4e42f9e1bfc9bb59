import type { Db } from '../shared.js';
import { consumeOneTimeToken } from './one-time-tokens.js';

export async function verifyEmail(db: Db, o: { token: string; now?: Date }): Promise<{ email: string }> {
  return db.$transaction(async (tx) => {
    const email = await consumeOneTimeToken(tx, { token: o.token, purpose: 'verify-email', ...(o.now ? { now: o.now } : {}) });
    await tx.user.updateMany({ where: { email, emailVerified: null }, data: { emailVerified: o.now ?? new Date() } });
    return { email };
  });
}
