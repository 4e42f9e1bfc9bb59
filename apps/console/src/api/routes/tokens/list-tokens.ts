import { listApiTokens } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toApiTokenDto } from '../../dto.js';
import { ZListTokensParams, ZListTokensResponse } from './list-tokens.types.js';

export const listTokens = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/tokens',
  summary: 'The caller’s own API tokens for this org (never the secrets)',
  tag: 'tokens',
  auth: 'org',
  permission: 'token:manage-own',
  params: ZListTokensParams,
  response: ZListTokensResponse,
  async handler({ db, org, user }) {
    return { tokens: (await listApiTokens(db, { orgId: org.id, userId: user.id })).map(toApiTokenDto) };
  },
});
