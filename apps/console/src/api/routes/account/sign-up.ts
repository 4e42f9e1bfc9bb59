import { createUserWithPassword } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZSignUpBody, ZSignUpResponse } from './sign-up.types.js';

export const signUp = defineRoute({
  method: 'POST',
  path: '/account/signup',
  summary: 'Create an account (mails a verification link, or joins the inviting org)',
  tag: 'account',
  auth: 'public',
  body: ZSignUpBody,
  response: ZSignUpResponse,
  status: 201,
  async handler({ db, body, ip, services }) {
    const invitation = body.invitationToken ? { token: body.invitationToken, secret: services.invitationSecret() } : undefined;
    const created = await createUserWithPassword(db, { email: body.email, name: body.name, password: body.password, ip, invitation });
    if (created.verificationToken) await services.mail.verification(created.user.email, created.verificationToken);
    return { userId: created.user.id, email: created.user.email, emailVerified: !!created.user.emailVerified, joinedOrgSlug: created.joinedOrgSlug };
  },
});
