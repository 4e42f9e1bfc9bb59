import { describe, expect, it } from 'vitest';
import { decideSignInThrottle, SIGN_IN_THROTTLE } from './throttle.js';

const now = new Date('2026-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const none = { count: 0, oldestAt: null };

describe('sign-in throttling', () => {
  it('allows attempts under both limits', () => {
    expect(decideSignInThrottle({ account: { count: SIGN_IN_THROTTLE.maxAccountFailures - 1, oldestAt: minutesAgo(5) }, ip: none, now })).toEqual({
      allowed: true,
    });
  });

  it('locks the account at its limit and says for how long', () => {
    const d = decideSignInThrottle({ account: { count: SIGN_IN_THROTTLE.maxAccountFailures, oldestAt: minutesAgo(5) }, ip: none, now });
    expect(d).toMatchObject({ allowed: false, scope: 'account', retryAfterSeconds: (SIGN_IN_THROTTLE.windowMinutes - 5) * 60 });
    expect(!d.allowed && d.message).toMatch(/Too many failed sign-ins for this account\. Try again in 10 minutes/);
  });

  it('limits an IP across accounts', () => {
    const d = decideSignInThrottle({ account: none, ip: { count: SIGN_IN_THROTTLE.maxIpFailures, oldestAt: minutesAgo(14) }, now });
    expect(d).toMatchObject({ allowed: false, scope: 'ip', retryAfterSeconds: 60 });
    expect(!d.allowed && d.message).toContain('1 minute');
  });

  it('stays within ASVS V2.2.1: at most 100 evaluated failures per account per hour', () => {
    expect(SIGN_IN_THROTTLE.maxAccountFailures * (60 / SIGN_IN_THROTTLE.windowMinutes)).toBeLessThanOrEqual(100);
  });
});
