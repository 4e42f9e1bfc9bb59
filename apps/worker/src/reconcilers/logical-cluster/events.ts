import type { Logger } from '@atrium/config';
import { describeApiError, type KcpClient, TENANCY_API_VERSION } from '@atrium/kube';
import { LOGICAL_CLUSTER_ID_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from './labels.js';

/** Why the reconciler records an Event; one Event object per reason and cluster (`count` grows on repeats). */
export type ClusterEventReason =
  | 'WorkspaceCreated'
  | 'Initializing'
  | 'Ready'
  | 'RBACBound'
  | 'DefaultsApplied'
  | 'DeletionStarted'
  | 'Deleted'
  | 'ReconcileError'
  | 'ProvisioningFailed';

/** Kubernetes files Events about cluster-scoped objects (a Workspace is one) in `default`. */
export const EVENT_NAMESPACE = 'default';
export const EVENT_COMPONENT = 'atrium-worker';

/** `<cluster>.<cluster id>.<reason>`: stable across passes (dedup), distinct for a new cluster that reuses the name. */
export function clusterEventName(clusterName: string, clusterId: string, reason: ClusterEventReason): string {
  return `${clusterName}.${clusterId.toLowerCase()}.${reason.toLowerCase()}`;
}

/**
 * Events about one cluster's Workspace, in the team workspace that holds it. Writes start at once and run
 * alongside the next steps (they are a side channel for people, not state the reconciler reads);
 * `flush` waits for them before the pass commits its status, so a committed Ready always has its Event.
 * A failed write is logged, never fails provisioning.
 */
export class ClusterEvents {
  private readonly pending: Promise<void>[] = [];
  private uid: string | undefined;

  constructor(
    private readonly kcp: KcpClient,
    private readonly logger: Logger,
    private readonly cluster: { id: string; name: string; kcpPath: string },
  ) {}

  /** The Workspace's uid, once known, so the Events point at this incarnation of the object. */
  setWorkspaceUid(uid: string | undefined): void {
    if (uid) this.uid = uid;
  }

  record(reason: ClusterEventReason, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    const parent = this.cluster.kcpPath.slice(0, this.cluster.kcpPath.lastIndexOf(':'));
    const write = this.kcp
      .recordEvent(parent, {
        name: clusterEventName(this.cluster.name, this.cluster.id, reason),
        namespace: EVENT_NAMESPACE,
        involvedObject: { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', name: this.cluster.name, ...(this.uid ? { uid: this.uid } : {}) },
        reason,
        message,
        type,
        component: EVENT_COMPONENT,
        labels: { [LOGICAL_CLUSTER_ID_LABEL]: this.cluster.id, [MANAGED_BY_LABEL]: MANAGED_BY },
      })
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ reason, err: describeApiError(err) }, 'could not record event'),
      );
    this.pending.push(write);
  }

  async flush(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}
