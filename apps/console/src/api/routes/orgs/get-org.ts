import { permissionsOf } from '@atrium/core';
import { defineRoute } from '../../define-route.js';
import { ZGetOrgParams, ZGetOrgResponse } from './get-org.types.js';

export const getOrg = defineRoute({
  method: 'GET',
  path: '/orgs/{org}',
  summary: 'One org, with the caller’s role and what it permits',
  tag: 'orgs',
  auth: 'org',
  permission: 'org:read',
  params: ZGetOrgParams,
  response: ZGetOrgResponse,
  async handler({ org, membership }) {
    return {
      id: org.id,
      slug: org.slug,
      name: org.name,
      role: membership.role,
      createdAt: org.createdAt.toISOString(),
      permissions: permissionsOf(membership.role),
    };
  },
});
