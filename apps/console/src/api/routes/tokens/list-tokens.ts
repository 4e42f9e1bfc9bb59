import { listApiTokens } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toApiTokenDto } from '../../dto.js';
import { ZListTokensParams, ZListTokensQuery, ZListTokensResponse } from './list-tokens.types.js';

export const listTokens = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/tokens',
  summary: 'The caller’s own API tokens for this org (never the secrets), newest first, a page at a time',
  tag: 'tokens',
  auth: 'org',
  permission: 'token:manage-own',
  params: ZListTokensParams,
  query: ZListTokensQuery,
  response: ZListTokensResponse,
  async handler({ db, org, user, query }) {
    const page = await listApiTokens(db, { orgId: org.id, userId: user.id, ...query });
    return { tokens: page.items.map(toApiTokenDto), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  },
});
