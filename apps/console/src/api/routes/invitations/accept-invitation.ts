import { acceptInvitation } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZAcceptInvitationBody, ZAcceptInvitationResponse } from './accept-invitation.types.js';

export const acceptInvitationRoute = defineRoute({
  method: 'POST',
  path: '/invitations/accept',
  summary: 'Accept an invitation addressed to the signed-in user',
  tag: 'invitations',
  auth: 'user',
  sessionOnly: true,
  body: ZAcceptInvitationBody,
  response: ZAcceptInvitationResponse,
  async handler({ db, user, body, ip, services }) {
    const org = await acceptInvitation(db, { token: body.token, secret: services.invitationSecret(), userId: user.id, ip });
    return { orgSlug: org.slug, orgName: org.name };
  },
});
