import { AppError, randomSecret, sha256Hex } from '@atrium/core';
import type { DbOrTx } from '../shared.js';

/**
 * Single-use, expiring secrets mailed to people (email verification,
 * password reset), in the VerificationToken table. Only the SHA-256 is
 * stored; consuming deletes the row, so a link works once.
 */
export type OneTimePurpose = 'verify-email' | 'reset-password';

export const ONE_TIME_TTL_MS: Record<OneTimePurpose, number> = {
  'verify-email': 24 * 3600_000,
  'reset-password': 3600_000,
};

export async function issueOneTimeToken(db: DbOrTx, input: { identifier: string; purpose: OneTimePurpose; now?: Date }): Promise<string> {
  const now = input.now ?? new Date();
  // A new link replaces older ones of the same purpose.
  await db.verificationToken.deleteMany({ where: { identifier: input.identifier, purpose: input.purpose } });
  const token = randomSecret(32);
  await db.verificationToken.create({
    data: { identifier: input.identifier, purpose: input.purpose, token: sha256Hex(token), expires: new Date(now.getTime() + ONE_TIME_TTL_MS[input.purpose]) },
  });
  return token;
}

/** Deletes and returns the identifier; throws GONE for unknown, used or expired links. */
export async function consumeOneTimeToken(db: DbOrTx, input: { token: string; purpose: OneTimePurpose; now?: Date }): Promise<string> {
  const now = input.now ?? new Date();
  const hash = sha256Hex(input.token);
  const row = await db.verificationToken.findUnique({ where: { token: hash } });
  const what = input.purpose === 'verify-email' ? 'verification' : 'password reset';
  if (!row || row.purpose !== input.purpose) throw new AppError('GONE', `This ${what} link is invalid or has already been used.`);
  // deleteMany with the hash is the single-use guard: of two concurrent uses only one deletes the row.
  const deleted = await db.verificationToken.deleteMany({ where: { token: hash } });
  if (deleted.count !== 1) throw new AppError('GONE', `This ${what} link is invalid or has already been used.`);
  if (row.expires.getTime() <= now.getTime()) throw new AppError('GONE', `This ${what} link has expired. Request a new one.`);
  return row.identifier;
}
