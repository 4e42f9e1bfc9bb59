import { revokeClusterToken } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZRevokeClusterTokenParams, ZRevokeClusterTokenResponse } from './revoke-cluster-token.types.js';

export const revokeClusterTokenRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/clusters/{clusterId}/tokens/{kubeconfigTokenId}',
  summary: 'Revoke a kubeconfig token (own, or anyone’s for owners and admins); the API server rejects it within milliseconds',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:kubeconfig',
  params: ZRevokeClusterTokenParams,
  response: ZRevokeClusterTokenResponse,
  status: 204,
  async handler({ db, org, user, principal, membership, ip, params }) {
    await revokeClusterToken(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      role: membership.role,
      email: user.email,
      clusterId: params.clusterId,
      tokenId: params.kubeconfigTokenId,
    });
    return null;
  },
});
