import { revokeInvitation } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRevokeInvitationParams, ZRevokeInvitationResponse } from './revoke-invitation.types.js';

export const revokeInvitationRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/invitations/{invitationId}',
  summary: 'Revoke a pending invitation: its link stops working',
  tag: 'invitations',
  auth: 'org',
  permission: 'invitation:revoke',
  params: ZRevokeInvitationParams,
  response: ZRevokeInvitationResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params }) {
    await revokeInvitation(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, invitationId: params.invitationId });
    return null;
  },
});
