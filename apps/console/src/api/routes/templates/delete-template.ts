import { deleteTemplate } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZDeleteTemplateParams, ZDeleteTemplateResponse } from './delete-template.types.js';

export const deleteTemplateRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/templates/{templateId}',
  summary: 'Delete an org template no cluster was made from',
  tag: 'templates',
  auth: 'org',
  permission: 'template:write',
  params: ZDeleteTemplateParams,
  response: ZDeleteTemplateResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params }) {
    await deleteTemplate(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, templateId: params.templateId });
    return null;
  },
});
