import { createHmac } from 'node:crypto';
import { constantTimeEqual, randomSecret } from './tokens.js';

/**
 * Invitation links carry `<payload>.<signature>`: the payload names the
 * invitation and its expiry, the HMAC-SHA256 signature (keyed with the
 * server secret) proves we issued it. A forged or tampered link is refused
 * before any database lookup; the database stores only the token's hash and
 * marks it used, which makes the link single-use.
 */
export interface InvitationClaims {
  invitationId: string;
  expiresAt: Date;
}

export type InvitationTokenCheck = { ok: true; claims: InvitationClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired'; message: string };

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(`atrium-invitation.${payload}`).digest('base64url');
}

export function signInvitationToken(claims: InvitationClaims, secret: string): string {
  if (secret.length < 16) throw new Error('invitation signing secret must be at least 16 characters');
  const payload = Buffer.from(JSON.stringify({ i: claims.invitationId, e: Math.floor(claims.expiresAt.getTime() / 1000), n: randomSecret(16) })).toString(
    'base64url',
  );
  return `${payload}.${sign(payload, secret)}`;
}

export function verifyInvitationToken(token: string, secret: string, now: Date = new Date()): InvitationTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1] || token.length > 1000) {
    return { ok: false, reason: 'malformed', message: 'This invitation link is not valid.' };
  }
  const [payload, signature] = parts as [string, string];
  if (!constantTimeEqual(sign(payload, secret), signature)) {
    return { ok: false, reason: 'bad-signature', message: 'This invitation link is not valid.' };
  }
  let parsed: { i?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed', message: 'This invitation link is not valid.' };
  }
  if (typeof parsed.i !== 'string' || typeof parsed.e !== 'number') {
    return { ok: false, reason: 'malformed', message: 'This invitation link is not valid.' };
  }
  const expiresAt = new Date(parsed.e * 1000);
  if (expiresAt.getTime() <= now.getTime()) {
    return { ok: false, reason: 'expired', message: 'This invitation has expired. Ask an admin of the organisation to invite you again.' };
  }
  return { ok: true, claims: { invitationId: parsed.i, expiresAt } };
}
