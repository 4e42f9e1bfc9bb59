import { listTeams } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toTeamDto } from '../../dto.js';
import { ZListTeamsParams, ZListTeamsResponse } from './list-teams.types.js';

export const listTeamsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/teams',
  summary: 'All teams of the org with member counts (a flat list; parentId forms the tree)',
  tag: 'teams',
  auth: 'org',
  permission: 'team:read',
  params: ZListTeamsParams,
  response: ZListTeamsResponse,
  async handler({ db, org }) {
    return { teams: (await listTeams(db, { orgId: org.id })).map(toTeamDto) };
  },
});
