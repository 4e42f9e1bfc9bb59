import { findUsableInvitation } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZLookupInvitationBody, ZLookupInvitationResponse } from './lookup-invitation.types.js';

// POST, not GET: the token is a secret and must not land in access logs.
export const lookupInvitation = defineRoute({
  method: 'POST',
  path: '/invitations/lookup',
  summary: 'What an invitation link offers (org, role, address) while it is still usable',
  tag: 'invitations',
  auth: 'public',
  body: ZLookupInvitationBody,
  response: ZLookupInvitationResponse,
  async handler({ db, body, services }) {
    const inv = await findUsableInvitation(db, { token: body.token, secret: services.invitationSecret() });
    const account = await db.user.findUnique({ where: { email: inv.email }, select: { id: true } });
    return { orgName: inv.org.name, orgSlug: inv.org.slug, email: inv.email, role: inv.role, expiresAt: inv.expiresAt.toISOString(), accountExists: !!account };
  },
});
