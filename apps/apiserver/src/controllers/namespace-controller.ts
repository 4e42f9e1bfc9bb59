import type { Logger } from '@atrium/config';
import type { ClusterDirectory, LogicalCluster } from '../storage/clusters.js';
import type { Store } from '../storage/store.js';
import type { WatchHub } from '../storage/watch-hub.js';

export interface NamespaceControllerDeps {
  store: Store;
  hub: WatchHub;
  clusters: ClusterDirectory;
  logger: Logger;
  /** Deletes what the namespace holds, then the namespace; true when it is gone (RestHandler.finalizeNamespace). */
  finalize(cluster: LogicalCluster, namespace: string): Promise<boolean>;
  /**
   * How long a namespace stays Terminating with its contents before they are deleted
   * (default 1 s). kube-apiserver's namespace controller first rediscovers every resource,
   * which takes about as long, and clients rely on it: `kubectl delete -f` of a manifest that
   * lists the Namespace first deletes the objects in it one by one after the namespace.
   */
  graceMs?: number;
}

/**
 * Kubernetes' namespace lifecycle as a controller, off the request path: a deleted
 * namespace goes Terminating (its `kubernetes` finalizer stays until it is empty), then
 * this deletes its contents (waiting for theirs finalizers) and finally the namespace.
 * It acts on namespaces terminated by this process, by another replica (through the
 * watch hub) or before a restart (found on start); finalizing is idempotent, so two
 * replicas racing on one namespace only cost a retry.
 */
export class NamespaceController {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly attempts = new Map<string, number>();
  private readonly running = new Set<string>();
  private stopped = false;
  private readonly graceMs: number;

  constructor(private readonly deps: NamespaceControllerDeps) {
    this.graceMs = deps.graceMs ?? 1000;
  }

  async start(): Promise<void> {
    this.deps.hub.eventListeners.add((event) => {
      if (event.resource !== 'namespaces' || event.type === 'DELETED') return;
      if (event.value.includes('"deletionTimestamp"')) this.schedule(event.cluster, event.name);
    });
    const { rows } = await this.deps.store.pool.query<{ cluster: string; name: string }>(
      `select cluster, name from apiserver.objects where resource = 'namespaces' and value like '%"deletionTimestamp"%'`,
    );
    for (const row of rows) this.schedule(row.cluster, row.name, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Finalizes the namespace after `delayMs` (the grace by default); one pending run per namespace. */
  schedule(cluster: string, namespace: string, delayMs = this.graceMs): void {
    if (this.stopped) return;
    const key = `${cluster}\u0000${namespace}`;
    const pending = this.timers.get(key);
    if (pending && delayMs >= this.graceMs) return;
    if (pending) clearTimeout(pending);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.run(key, cluster, namespace);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** A remaining object went away: the namespace may be empty now (no grace: it is already being emptied). */
  contentRemoved(cluster: string, namespace: string): void {
    if (this.attempts.has(`${cluster}\u0000${namespace}`)) this.schedule(cluster, namespace, 0);
  }

  private async run(key: string, clusterName: string, namespace: string): Promise<void> {
    if (this.running.has(key)) {
      this.schedule(clusterName, namespace, 50);
      return;
    }
    this.running.add(key);
    try {
      const cluster = await this.deps.clusters.resolve(clusterName);
      if (!cluster) return;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      if (await this.deps.finalize(cluster, namespace)) {
        this.attempts.delete(key);
        return;
      }
      // Objects with finalizers of their own are waited for; their removal reschedules at once.
      this.schedule(clusterName, namespace, Math.min(250 * 2 ** Math.min(attempt, 7), 30_000));
    } catch (err) {
      this.deps.logger.warn({ err, cluster: clusterName, namespace }, 'namespace finalization failed; retrying');
      this.schedule(clusterName, namespace, 1000);
    } finally {
      this.running.delete(key);
    }
  }
}
