import { updateTemplate } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toTemplateDto } from '../../dto.js';
import { ZUpdateTemplateBody, ZUpdateTemplateParams, ZUpdateTemplateResponse } from './update-template.types.js';

export const updateTemplateRoute = defineRoute({
  method: 'PATCH',
  path: '/orgs/{org}/templates/{templateId}',
  summary: 'Change an org template; platform templates are read-only (403)',
  tag: 'templates',
  auth: 'org',
  permission: 'template:write',
  params: ZUpdateTemplateParams,
  body: ZUpdateTemplateBody,
  response: ZUpdateTemplateResponse,
  async handler({ db, org, user, principal, ip, params, body }) {
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    return toTemplateDto(
      await updateTemplate(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, templateId: params.templateId, patch }),
    );
  },
});
