import { deleteCluster, getCluster } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toClusterDto } from '../../dto.js';
import { ZDeleteClusterParams, ZDeleteClusterResponse } from './delete-cluster.types.js';

export const deleteClusterRoute = defineRoute({
  method: 'DELETE',
  path: '/orgs/{org}/clusters/{clusterId}',
  summary: 'Delete a cluster: phase Deleting now, Deleted once the worker removed its workspace (the record stays for billing)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:delete',
  params: ZDeleteClusterParams,
  response: ZDeleteClusterResponse,
  status: 202,
  async handler({ db, org, user, principal, membership, ip, params }) {
    const actor = { userId: user.id, tokenId: principal.tokenId, ip };
    await deleteCluster(db, { orgId: org.id, actor, role: membership.role, membershipId: membership.id, clusterId: params.clusterId });
    return toClusterDto(await getCluster(db, { orgId: org.id, clusterId: params.clusterId }));
  },
});
