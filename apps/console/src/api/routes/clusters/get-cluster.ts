import { getCluster } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toClusterDto } from '../../dto.js';
import { ZClusterParams, ZGetClusterResponse } from './get-cluster.types.js';

export const getClusterRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/clusters/{clusterId}',
  summary: 'One cluster with its phase and progress message (poll it while provisioning)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:read',
  params: ZClusterParams,
  response: ZGetClusterResponse,
  async handler({ db, org, params }) {
    return toClusterDto(await getCluster(db, { orgId: org.id, clusterId: params.clusterId }));
  },
});
