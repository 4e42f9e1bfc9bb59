/**
 * Sign-in throttling policy (ASVS V2.2.1: at most 100 failed attempts per
 * account per hour). Pure: the caller counts recent failures and asks.
 * Throttled attempts are not evaluated at all (the password is not checked),
 * so they do not count as failures and cannot extend the lock-out forever.
 */
export const SIGN_IN_THROTTLE = {
  windowMinutes: 15,
  /** Failed attempts per account per window: 10 / 15 min ⇒ at most 40 per hour. */
  maxAccountFailures: 10,
  /** Failed attempts per client IP per window, across all accounts. */
  maxIpFailures: 30,
} as const;

export interface FailureWindow {
  count: number;
  /** The oldest failure still inside the window. */
  oldestAt: Date | null;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; scope: 'account' | 'ip'; retryAfterSeconds: number; message: string };

function retryAfter(oldestAt: Date | null, now: Date): number {
  if (!oldestAt) return SIGN_IN_THROTTLE.windowMinutes * 60;
  const freesAt = oldestAt.getTime() + SIGN_IN_THROTTLE.windowMinutes * 60_000;
  return Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
}

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export function decideSignInThrottle(input: { account: FailureWindow; ip: FailureWindow; now?: Date }): ThrottleDecision {
  const now = input.now ?? new Date();
  if (input.account.count >= SIGN_IN_THROTTLE.maxAccountFailures) {
    const s = retryAfter(input.account.oldestAt, now);
    return {
      allowed: false,
      scope: 'account',
      retryAfterSeconds: s,
      message: `Too many failed sign-ins for this account. Try again in ${minutes(s)}, or reset your password.`,
    };
  }
  if (input.ip.count >= SIGN_IN_THROTTLE.maxIpFailures) {
    const s = retryAfter(input.ip.oldestAt, now);
    return { allowed: false, scope: 'ip', retryAfterSeconds: s, message: `Too many failed sign-ins from your network. Try again in ${minutes(s)}.` };
  }
  return { allowed: true };
}
