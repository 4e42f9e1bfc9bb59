import { revokeApiToken } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRevokeTokenParams, ZRevokeTokenResponse } from './revoke-token.types.js';

export const revokeToken = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/tokens/{tokenId}',
  summary: 'Revoke one of the caller’s tokens (a token may revoke itself)',
  tag: 'tokens',
  auth: 'org',
  permission: 'token:manage-own',
  params: ZRevokeTokenParams,
  response: ZRevokeTokenResponse,
  status: 204,
  async handler({ db, org, user, principal, ip, params }) {
    await revokeApiToken(db, { orgId: org.id, actor: { userId: user.id, tokenId: principal.tokenId, ip }, tokenId: params.tokenId });
    return null;
  },
});
