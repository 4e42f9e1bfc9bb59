import { getUser } from '@atrium/db';
import { decode } from 'next-auth/jwt';
import { authSecret } from './config.js';
import { db } from './db.js';

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  emailVerified: boolean;
  isPlatformAdmin: boolean;
}

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // A malformed cookie is ignored, not fatal.
    }
  }
  return out;
}

function sessionToken(cookies: Map<string, string>): string | undefined {
  for (const name of COOKIE_NAMES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    // next-auth splits large cookies into name.0, name.1, …
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return chunks.join('');
  }
  return undefined;
}

/**
 * The signed-in user behind a request's session cookie, checked against the
 * database on every request: a deleted user, or a session issued before the
 * last password change, is signed out.
 */
export async function sessionUserFromCookieHeader(cookieHeader: string | null | undefined): Promise<SessionUser | null> {
  const token = sessionToken(parseCookies(cookieHeader));
  if (!token) return null;
  let claims: Awaited<ReturnType<typeof decode>>;
  try {
    claims = await decode({ token, secret: authSecret() });
  } catch {
    return null;
  }
  if (!claims?.sub) return null;
  const user = await getUser(db(), { userId: claims.sub });
  if (!user) return null;
  const issuedAtMs = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
  if (user.passwordChangedAt && issuedAtMs < user.passwordChangedAt.getTime()) return null;
  return { id: user.id, email: user.email, name: user.name, emailVerified: !!user.emailVerified, isPlatformAdmin: user.isPlatformAdmin };
}
