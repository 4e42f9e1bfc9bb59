import { createInvitation, invitationStatus } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZCreateInvitationBody, ZCreateInvitationParams, ZCreateInvitationResponse } from './create-invitation.types.js';

export const createInvitationRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/invitations',
  summary: 'Invite an email address with a role (and optional team); mails a signed, single-use link',
  tag: 'invitations',
  auth: 'org',
  permission: 'invitation:create',
  params: ZCreateInvitationParams,
  body: ZCreateInvitationBody,
  response: ZCreateInvitationResponse,
  status: 201,
  async handler({ db, org, membership, user, principal, ip, body, services }) {
    const { invitation, token } = await createInvitation(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      actorRole: membership.role,
      email: body.email,
      role: body.role,
      teamId: body.teamId ?? null,
      secret: services.invitationSecret(),
    });
    await services.mail.invitation(invitation.email, { orgName: org.name, inviterEmail: user.email, role: invitation.role, token });
    const team = invitation.teamId ? await db.team.findFirst({ where: { id: invitation.teamId, orgId: org.id }, select: { id: true, name: true } }) : null;
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      team,
      status: invitationStatus(invitation),
      invitedByEmail: user.email,
      expiresAt: invitation.expiresAt.toISOString(),
      createdAt: invitation.createdAt.toISOString(),
    };
  },
});
