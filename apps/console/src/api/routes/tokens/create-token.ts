import { createApiToken } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toApiTokenDto } from '../../dto.js';
import { ZCreateTokenBody, ZCreateTokenParams, ZCreateTokenResponse } from './create-token.types.js';

export const createToken = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/tokens',
  summary: 'Create a personal API token for this org; the secret is returned once',
  tag: 'tokens',
  auth: 'org',
  permission: 'token:manage-own',
  // A leaked token must not be able to mint more tokens.
  sessionOnly: true,
  params: ZCreateTokenParams,
  body: ZCreateTokenBody,
  response: ZCreateTokenResponse,
  status: 201,
  async handler({ db, org, user, ip, body }) {
    const { apiToken, token } = await createApiToken(db, { orgId: org.id, actor: { userId: user.id, ip }, name: body.name, expiresInDays: body.expiresInDays });
    return { apiToken: toApiTokenDto(apiToken), token };
  },
});
