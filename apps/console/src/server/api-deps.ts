import { createLogger, env } from '@atrium/config';
import type { DispatchDeps } from '../api/dispatch.js';
import { derivedKey, publicBaseUrl } from './config.js';
import { db } from './db.js';
import { sendInvitationMail, sendPasswordResetMail, sendVerificationMail } from './mail.js';
import { clientIp } from './request-meta.js';
import { sessionUserFromCookieHeader } from './session.js';

const log = createLogger('console-api');

// A mail relay outage must not undo a sign-up or an invitation: the person
// can ask for the link again. The failure is logged for operators.
async function quietly(what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    log.error({ err, what }, 'sending mail failed');
  }
}

export function apiDeps(): DispatchDeps {
  const e = env();
  return {
    db: db(),
    sessionUser: sessionUserFromCookieHeader,
    allowedOrigins: [publicBaseUrl(), ...(e.NEXTAUTH_URL ? [e.NEXTAUTH_URL] : [])],
    clientIp: (req) => clientIp(req.headers),
    logError: (err, req) => log.error({ err, method: req.method, url: new URL(req.url).pathname }, 'unexpected API error'),
    services: {
      invitationSecret: () => derivedKey('invitations'),
      mail: {
        verification: (to, token) => quietly('verification', () => sendVerificationMail(to, token)),
        passwordReset: (to, token) => quietly('password reset', () => sendPasswordResetMail(to, token)),
        invitation: (to, o) => quietly('invitation', () => sendInvitationMail(to, o)),
      },
    },
  };
}
