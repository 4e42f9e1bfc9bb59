import { requestCluster } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toClusterDto } from '../../dto.js';
import { acquisitionDenied } from './acquisition-error.js';
import { ZRequestClusterBody, ZRequestClusterParams, ZRequestClusterResponse } from './request-cluster.types.js';

export const requestClusterRoute = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/clusters',
  summary: 'Request a logical cluster; a denial names the rule and where it is defined (403 policy, 422 input, 409 name taken)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:create',
  params: ZRequestClusterParams,
  body: ZRequestClusterBody,
  response: ZRequestClusterResponse,
  status: 201,
  async handler({ db, org, user, principal, membership, ip, body }) {
    const result = await requestCluster(db, {
      orgId: org.id,
      actor: { userId: user.id, tokenId: principal.tokenId, ip },
      role: membership.role,
      membershipId: membership.id,
      request: body,
    });
    if (!result.allowed) throw acquisitionDenied(result.headline, result.violations);
    return toClusterDto(result.cluster);
  },
});
