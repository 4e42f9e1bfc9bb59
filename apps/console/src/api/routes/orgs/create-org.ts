import { createOrganization } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZCreateOrgBody, ZCreateOrgResponse } from './create-org.types.js';

export const createOrg = defineRoute({
  method: 'POST',
  path: '/orgs',
  summary: 'Create an org; the caller becomes its owner (verified email required)',
  tag: 'orgs',
  auth: 'user',
  sessionOnly: true,
  requireVerifiedEmail: true,
  body: ZCreateOrgBody,
  response: ZCreateOrgResponse,
  status: 201,
  async handler({ db, user, body, ip }) {
    const org = await createOrganization(db, { actor: { userId: user.id, ip }, name: body.name, slug: body.slug });
    return { id: org.id, slug: org.slug, name: org.name, role: 'owner' as const, createdAt: org.createdAt.toISOString() };
  },
});
