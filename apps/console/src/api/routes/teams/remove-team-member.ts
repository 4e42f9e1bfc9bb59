import { setTeamMembership } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRemoveTeamMemberParams, ZRemoveTeamMemberResponse } from './remove-team-member.types.js';

export const removeTeamMember = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/teams/{teamId}/members/{memberId}',
  summary: 'Remove a member from a team (they stay in the org)',
  tag: 'teams',
  auth: 'org',
  permission: 'team:write',
  params: ZRemoveTeamMemberParams,
  response: ZRemoveTeamMemberResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params }) {
    await setTeamMembership(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      teamId: params.teamId,
      memberId: params.memberId,
      member: false,
    });
    return null;
  },
});
