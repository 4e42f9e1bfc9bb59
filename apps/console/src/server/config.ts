import { createHmac } from 'node:crypto';
import { ConfigError, consoleUrl, env } from '@atrium/config';

/** The next-auth secret; every signed or encrypted console secret derives from it. */
export function authSecret(): string {
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) throw new ConfigError('NEXTAUTH_SECRET is not set: the console needs it to sign sessions. `npm start` provides one.');
  return secret;
}

/** A separate key per purpose, so one leaked derived key signs nothing else. */
export function derivedKey(purpose: 'invitations'): string {
  return createHmac('sha256', authSecret()).update(`atrium:${purpose}`).digest('base64url');
}

/** Absolute base URL for links in mail. */
export function publicBaseUrl(): string {
  const e = env();
  return (e.ATRIUM_CONSOLE_URL ?? e.NEXTAUTH_URL ?? consoleUrl(e)).replace(/\/+$/, '');
}
