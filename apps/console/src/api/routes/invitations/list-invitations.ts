import { listInvitations } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toInvitationDto } from '../../dto.js';
import { ZListInvitationsParams, ZListInvitationsResponse } from './list-invitations.types.js';

export const listInvitationsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/invitations',
  summary: 'Invitations of the org, newest first, with their status',
  tag: 'invitations',
  auth: 'org',
  permission: 'invitation:read',
  params: ZListInvitationsParams,
  response: ZListInvitationsResponse,
  async handler({ db, org }) {
    return { invitations: (await listInvitations(db, { orgId: org.id })).map(toInvitationDto) };
  },
});
