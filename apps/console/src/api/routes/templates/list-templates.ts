import { listTemplates } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toTemplateDto } from '../../dto.js';
import { ZListTemplatesParams, ZListTemplatesResponse } from './list-templates.types.js';

export const listTemplatesRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/templates',
  summary: 'Cluster templates the org can use: the platform’s (read-only) and its own',
  tag: 'templates',
  auth: 'org',
  permission: 'template:read',
  params: ZListTemplatesParams,
  response: ZListTemplatesResponse,
  async handler({ db, org }) {
    return { templates: (await listTemplates(db, { orgId: org.id })).map(toTemplateDto) };
  },
});
