import { defineRoute } from '../../define-route.js';
import { readClusterActivity } from './get-cluster-events.backend.js';
import { ZClusterEventsParams, ZClusterEventsResponse } from './get-cluster-events.types.js';

export const getClusterEventsRoute = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/clusters/{clusterId}/events',
  summary: "The backend's Events about a cluster's Workspace and its conditions, read live (poll it on the cluster page)",
  tag: 'clusters',
  auth: 'org',
  permission: 'cluster:read',
  params: ZClusterEventsParams,
  response: ZClusterEventsResponse,
  async handler({ db, org, params }) {
    return readClusterActivity(db, { orgId: org.id, clusterId: params.clusterId });
  },
});
