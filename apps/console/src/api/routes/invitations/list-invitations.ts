import { listInvitations } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toInvitationDto } from '../../dto.js';
import { ZListInvitationsParams, ZListInvitationsQuery, ZListInvitationsResponse } from './list-invitations.types.js';

export const listInvitationsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/invitations',
  summary: 'Invitations of the org, newest first, with their status, a page at a time',
  tag: 'invitations',
  auth: 'org',
  permission: 'invitation:read',
  params: ZListInvitationsParams,
  query: ZListInvitationsQuery,
  response: ZListInvitationsResponse,
  async handler({ db, org, query }) {
    const page = await listInvitations(db, { orgId: org.id, ...query });
    return { invitations: page.items.map(toInvitationDto), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  },
});
