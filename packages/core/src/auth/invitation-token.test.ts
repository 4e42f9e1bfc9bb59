import { describe, expect, it } from 'vitest';
import { signInvitationToken, verifyInvitationToken } from './invitation-token.js';

const SECRET = 'a-test-secret-of-enough-length';
const now = new Date('2026-01-01T00:00:00Z');
const inAWeek = new Date('2026-01-08T00:00:00Z');

describe('invitation links', () => {
  it('round-trip the invitation id and expiry', () => {
    const token = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    expect(verifyInvitationToken(token, SECRET, now)).toEqual({ ok: true, claims: { invitationId: 'inv_1', expiresAt: inAWeek } });
  });

  it('differ each time, even for the same invitation', () => {
    const a = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    const b = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    expect(a).not.toBe(b);
  });

  it('expire', () => {
    const token = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    expect(verifyInvitationToken(token, SECRET, inAWeek)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyInvitationToken(token, SECRET, new Date(inAWeek.getTime() - 1000))).toMatchObject({ ok: true });
  });

  it('refuse another key', () => {
    const token = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    expect(verifyInvitationToken(token, 'another-secret-of-enough-length', now)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuse a tampered payload (e.g. a later expiry or another invitation)', () => {
    const token = signInvitationToken({ invitationId: 'inv_1', expiresAt: inAWeek }, SECRET);
    const [, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ i: 'inv_2', e: 4_000_000_000, n: 'x' })).toString('base64url');
    expect(verifyInvitationToken(`${forged}.${sig}`, SECRET, now)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const flipped = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    expect(verifyInvitationToken(flipped, SECRET, now).ok).toBe(false);
  });

  it('refuse garbage without throwing', () => {
    for (const bad of ['', '.', 'a.b.c', 'not-a-token', '..', `${'x'.repeat(2000)}.y`]) {
      expect(verifyInvitationToken(bad, SECRET, now).ok).toBe(false);
    }
  });

  it('will not sign with a short key', () => {
    expect(() => signInvitationToken({ invitationId: 'i', expiresAt: inAWeek }, 'short')).toThrow();
  });
});
