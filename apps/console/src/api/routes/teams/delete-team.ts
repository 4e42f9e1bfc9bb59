import { deleteTeam } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZDeleteTeamParams, ZDeleteTeamResponse } from './delete-team.types.js';

export const deleteTeamRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/teams/{teamId}',
  summary: 'Delete a team without sub-teams or clusters',
  tag: 'teams',
  auth: 'org',
  permission: 'team:write',
  params: ZDeleteTeamParams,
  response: ZDeleteTeamResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params }) {
    await deleteTeam(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, teamId: params.teamId });
    return null;
  },
});
