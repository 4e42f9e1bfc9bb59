import { resendVerification } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZResendVerificationResponse } from './resend-verification.types.js';

export const resendVerificationRoute = defineRoute({
  method: 'POST',
  path: '/account/resend-verification',
  summary: 'Mail a new verification link to the signed-in user',
  tag: 'account',
  auth: 'user',
  sessionOnly: true,
  response: ZResendVerificationResponse,
  async handler({ db, user, services }) {
    const { email, token } = await resendVerification(db, { userId: user.id });
    await services.mail.verification(email, token);
    return { sentTo: email };
  },
});
