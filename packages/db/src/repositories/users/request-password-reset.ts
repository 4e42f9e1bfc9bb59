import type { Db } from '../shared.js';
import { normaliseEmail } from '../shared.js';
import { issueOneTimeToken } from './one-time-tokens.js';

/**
 * Returns a token to mail, or null when no password account exists; callers
 * answer the same either way so the form does not reveal who has an account.
 */
export async function requestPasswordReset(db: Db, o: { email: string }): Promise<{ email: string; name: string | null; token: string } | null> {
  const email = normaliseEmail(o.email);
  const user = await db.user.findUnique({ where: { email } });
  if (!user) return null;
  return { email, name: user.name, token: await issueOneTimeToken(db, { identifier: email, purpose: 'reset-password' }) };
}
