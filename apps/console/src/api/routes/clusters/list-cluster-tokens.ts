import { listClusterTokens } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZListClusterTokensParams, ZListClusterTokensResponse } from './list-cluster-tokens.types.js';

export const listClusterTokensRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/clusters/{clusterId}/tokens',
  summary: 'Kubeconfig tokens issued for a cluster: the caller’s own, everyone’s for owners and admins (never the secrets)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:kubeconfig',
  params: ZListClusterTokensParams,
  response: ZListClusterTokensResponse,
  async handler({ db, org, user, membership, params }) {
    const rows = await listClusterTokens(db, { orgId: org.id, clusterId: params.clusterId, role: membership.role, email: user.email });
    return {
      tokens: rows.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), revokedAt: t.revokedAt?.toISOString() ?? null })),
    };
  },
});
