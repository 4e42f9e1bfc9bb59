import { resetPassword } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZResetPasswordBody, ZResetPasswordResponse } from './reset-password.types.js';

export const resetPasswordRoute = defineRoute({
  method: 'POST',
  path: '/account/password-reset/confirm',
  summary: 'Set a new password with a mailed reset token (signs out every session)',
  tag: 'account',
  auth: 'public',
  body: ZResetPasswordBody,
  response: ZResetPasswordResponse,
  async handler({ db, body }) {
    return resetPassword(db, { token: body.token, password: body.password });
  },
});
