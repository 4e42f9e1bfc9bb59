import { listUserOrganizations } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toOrgDto } from '../../dto.js';
import { ZGetMeResponse } from './get-me.types.js';

export const getMe = defineRoute({
  method: 'GET',
  path: '/me',
  summary: 'The signed-in user and the orgs this credential reaches',
  tag: 'me',
  auth: 'user',
  response: ZGetMeResponse,
  async handler({ db, user, principal }) {
    const orgs = await listUserOrganizations(db, { userId: user.id, orgId: principal.tokenOrgId ?? undefined });
    return { user, orgs: orgs.map(toOrgDto), auth: { kind: principal.kind, tokenId: principal.tokenId } };
  },
});
