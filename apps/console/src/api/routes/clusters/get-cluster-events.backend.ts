import { getCluster, type PrismaClient } from '@atrium/db';
import { describeApiError, type KubeEvent, parentPath } from '@atrium/kube';
import { backendClient, readBackendWorkspace } from '../../../server/backend.js';
import type { ClusterEventsResponse } from './get-cluster-events.types.js';

/** Where the worker files Events about a cluster's Workspace (see apps/worker reconcilers/logical-cluster/events.ts). */
const EVENT_NAMESPACE = 'default';
const LOGICAL_CLUSTER_ID_LABEL = 'atrium.io/logical-cluster-id';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null);

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The backend's live view of one cluster of the org: its Workspace's phase and conditions, and the Events
 * the worker recorded about it (selected by cluster id, so an earlier cluster of the same name never shows).
 * Org-scoped (another org's id is "not found"); a slow or failing backend yields `unavailable`, not an error.
 */
export async function readClusterActivity(db: PrismaClient, o: { orgId: string; clusterId: string }, timeoutMs = 2_000): Promise<ClusterEventsResponse> {
  const cluster = await getCluster(db, o);
  const client = backendClient();
  const [workspace, events] = await Promise.all([
    readBackendWorkspace(cluster.kcpPath, timeoutMs),
    client
      ? withTimeout(client.listEvents(parentPath(cluster.kcpPath) ?? 'root', EVENT_NAMESPACE, `${LOGICAL_CLUSTER_ID_LABEL}=${cluster.id}`), timeoutMs).then(
          (list): KubeEvent[] | string => list,
          (err: unknown) => describeApiError(err),
        )
      : 'No backend token is configured (ATRIUM_KCP_TOKEN).',
  ]);
  return {
    workspace,
    events:
      typeof events === 'string'
        ? []
        : events.map((e) => ({
            reason: e.reason ?? '',
            message: e.message ?? '',
            type: e.type === 'Warning' ? 'Warning' : 'Normal',
            count: e.count ?? 1,
            firstTimestamp: iso(e.firstTimestamp),
            lastTimestamp: iso(e.lastTimestamp),
          })),
    ...(typeof events === 'string' ? { eventsUnavailable: events } : {}),
  };
}
