import { listUserOrganizations } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toOrgDto } from '../../dto.js';
import { ZListOrgsResponse } from './list-orgs.types.js';

export const listOrgs = defineRoute({
  method: 'GET',
  path: '/orgs',
  summary: 'Orgs the caller belongs to (a token sees only its own org)',
  tag: 'orgs',
  auth: 'user',
  response: ZListOrgsResponse,
  async handler({ db, user, principal }) {
    const orgs = await listUserOrganizations(db, { userId: user.id, orgId: principal.tokenOrgId ?? undefined });
    return { orgs: orgs.map(toOrgDto) };
  },
});
