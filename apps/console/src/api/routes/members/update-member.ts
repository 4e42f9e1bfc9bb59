import { changeMemberRole } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZUpdateMemberBody, ZUpdateMemberParams, ZUpdateMemberResponse } from './update-member.types.js';

export const updateMember = defineRoute({
  method: 'PATCH',
  path: '/orgs/{org}/members/{memberId}',
  summary: 'Change a member’s role (only owners touch owners; the last owner stays)',
  tag: 'members',
  auth: 'org',
  permission: 'member:update-role',
  params: ZUpdateMemberParams,
  body: ZUpdateMemberBody,
  response: ZUpdateMemberResponse,
  async handler({ db, org, membership, user, principal, ip, params, body }) {
    return changeMemberRole(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      actorRole: membership.role,
      memberId: params.memberId,
      role: body.role,
    });
  },
});
