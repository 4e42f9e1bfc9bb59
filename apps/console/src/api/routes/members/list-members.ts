import { listMembers } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toMemberDto } from '../../dto.js';
import { ZListMembersParams, ZListMembersQuery, ZListMembersResponse } from './list-members.types.js';

export const listMembersRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/members',
  summary: 'Members of the org with their roles and teams, oldest first, a page at a time (search with q, one team with teamId)',
  tag: 'members',
  auth: 'org',
  permission: 'member:read',
  params: ZListMembersParams,
  query: ZListMembersQuery,
  response: ZListMembersResponse,
  async handler({ db, org, query }) {
    const page = await listMembers(db, { orgId: org.id, ...query });
    return { members: page.items.map(toMemberDto), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  },
});
