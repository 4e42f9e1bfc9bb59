import { listMembers } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toMemberDto } from '../../dto.js';
import { ZListMembersParams, ZListMembersResponse } from './list-members.types.js';

export const listMembersRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/members',
  summary: 'Members of the org with their roles and teams',
  tag: 'members',
  auth: 'org',
  permission: 'member:read',
  params: ZListMembersParams,
  response: ZListMembersResponse,
  async handler({ db, org }) {
    return { members: (await listMembers(db, { orgId: org.id })).map(toMemberDto) };
  },
});
