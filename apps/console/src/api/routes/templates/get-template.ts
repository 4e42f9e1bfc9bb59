import { getTemplate } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toTemplateDto } from '../../dto.js';
import { ZGetTemplateParams, ZGetTemplateResponse } from './get-template.types.js';

export const getTemplateRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/templates/{templateId}',
  summary: 'One cluster template (the org’s or the platform’s)',
  tag: 'templates',
  auth: 'org',
  permission: 'template:read',
  params: ZGetTemplateParams,
  response: ZGetTemplateResponse,
  async handler({ db, org, params }) {
    return toTemplateDto(await getTemplate(db, { orgId: org.id, templateId: params.templateId }));
  },
});
