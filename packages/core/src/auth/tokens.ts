import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets handed to people (API tokens, email verification and password
 * reset links) are random 256-bit values; only their SHA-256 is stored, so a
 * leaked table row authenticates nobody. SHA-256 (not argon2) is right here
 * because the input already has full entropy.
 */
export const API_TOKEN_PREFIX = 'atr_';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface GeneratedApiToken {
  /** Shown to the user once, never stored. */
  token: string;
  /** Stored: lets people tell tokens apart without revealing them. */
  prefix: string;
  tokenHash: string;
}

export function generateApiToken(): GeneratedApiToken {
  const token = `${API_TOKEN_PREFIX}${randomSecret(32)}`;
  return { token, prefix: token.slice(0, API_TOKEN_PREFIX.length + 6), tokenHash: sha256Hex(token) };
}

/** Cheap syntactic check before any database lookup. */
export function looksLikeApiToken(value: string): boolean {
  return /^atr_[A-Za-z0-9_-]{43}$/.test(value);
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
