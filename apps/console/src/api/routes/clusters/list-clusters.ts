import { listClusters } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toClusterDto } from '../../dto.js';
import { ZListClustersParams, ZListClustersQuery, ZListClustersResponse } from './list-clusters.types.js';

export const listClustersRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/clusters',
  summary: 'Logical clusters of the org (newest first)',
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:read',
  params: ZListClustersParams,
  query: ZListClustersQuery,
  response: ZListClustersResponse,
  async handler({ db, org, query }) {
    const clusters = await listClusters(db, { orgId: org.id, teamId: query.teamId, includeDeleted: query.includeDeleted });
    return { clusters: clusters.map(toClusterDto) };
  },
});
