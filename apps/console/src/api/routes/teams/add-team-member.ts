import { setTeamMembership } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZAddTeamMemberBody, ZAddTeamMemberParams, ZAddTeamMemberResponse } from './add-team-member.types.js';

export const addTeamMember = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/teams/{teamId}/members',
  summary: 'Add an org member to a team',
  tag: 'teams',
  auth: 'org',
  permission: 'team:write',
  params: ZAddTeamMemberParams,
  body: ZAddTeamMemberBody,
  response: ZAddTeamMemberResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params, body }) {
    await setTeamMembership(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      teamId: params.teamId,
      memberId: body.memberId,
      member: true,
    });
    return null;
  },
});
