import { createTemplate } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toTemplateDto } from '../../dto.js';
import { ZCreateTemplateBody, ZCreateTemplateParams, ZCreateTemplateResponse } from './create-template.types.js';

export const createTemplateRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/templates',
  summary: 'Create an org cluster template (API sets, regions, budgets, pod security, limits, teams)',
  tag: 'templates',
  auth: 'org',
  permission: 'template:write',
  params: ZCreateTemplateParams,
  body: ZCreateTemplateBody,
  response: ZCreateTemplateResponse,
  status: 201,
  async handler({ db, org, user, principal, ip, body }) {
    return toTemplateDto(await createTemplate(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, input: body }));
  },
});
