import { verifyEmail } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZVerifyEmailBody, ZVerifyEmailResponse } from './verify-email.types.js';

export const verifyEmailRoute = defineRoute({
  method: 'POST',
  path: '/account/verify-email',
  summary: 'Confirm an email address with the mailed token',
  tag: 'account',
  auth: 'public',
  body: ZVerifyEmailBody,
  response: ZVerifyEmailResponse,
  async handler({ db, body }) {
    return verifyEmail(db, { token: body.token });
  },
});
