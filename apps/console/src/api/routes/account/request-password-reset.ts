import { requestPasswordReset } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRequestPasswordResetBody, ZRequestPasswordResetResponse } from './request-password-reset.types.js';

export const requestPasswordResetRoute = defineRoute({
  method: 'POST',
  path: '/account/password-reset',
  summary: 'Mail a password reset link (answers the same whether or not the account exists)',
  tag: 'account',
  auth: 'public',
  body: ZRequestPasswordResetBody,
  response: ZRequestPasswordResetResponse,
  status: 202,
  async handler({ db, body, services }) {
    const reset = await requestPasswordReset(db, { email: body.email });
    if (reset) await services.mail.passwordReset(reset.email, reset.token);
    return { ok: true as const, message: 'If an account exists for that address, a reset link is on its way.' };
  },
});
