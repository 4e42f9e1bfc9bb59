import { removeMember } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRemoveMemberParams, ZRemoveMemberResponse } from './remove-member.types.js';

export const removeMemberRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/members/{memberId}',
  summary: 'Remove a member (their tokens for this org are revoked)',
  tag: 'members',
  auth: 'org',
  permission: 'member:remove',
  params: ZRemoveMemberParams,
  response: ZRemoveMemberResponse,
  status: 204,
  async handler({ db, org, membership, user, principal, ip, params }) {
    await removeMember(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      actorRole: membership.role,
      memberId: params.memberId,
    });
    return null;
  },
});
