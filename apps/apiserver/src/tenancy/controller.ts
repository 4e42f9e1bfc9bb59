import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '@atrium/config';
import type { KubeObject } from '../registry/types.js';
import { type ClusterDirectory, ClusterExistsError, type LogicalCluster, WriteConflictError } from '../storage/clusters.js';
import type { EventRow, ObjectKey, Store, StoredRow } from '../storage/store.js';
import type { WatchHub } from '../storage/watch-hub.js';
import {
  LOGICAL_CLUSTER_NAME,
  LOGICAL_CLUSTERS,
  OWNER_ANNOTATION,
  type Phase,
  type TypeReference,
  WORKSPACE_FINALIZER,
  WORKSPACE_TYPES,
  WORKSPACES,
} from './types.js';
import { type ResolvedType, universalType, type WorkspaceTypeResolver } from './workspace-types.js';

/** What a server-side initializer gets: the new logical cluster and a way to write objects into it. */
export interface InitializerContext {
  cluster: LogicalCluster;
  workspace: KubeObject;
  /** Creates an object in the new logical cluster unless one of that name exists (initializers must be idempotent). */
  ensureObject(resource: { group: string; plural: string; namespace?: string }, object: KubeObject): Promise<void>;
}

/**
 * A pluggable initializer: runs once the logical cluster exists, while the
 * Workspace is Initializing; when it resolves, its name is removed from the
 * LogicalCluster's `status.initializers`. It may run again after a crash, so it must be idempotent.
 */
export type InitializerHook = (ctx: InitializerContext) => Promise<void>;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const wsKey = (cluster: string, name: string): ObjectKey => ({ cluster, resource: WORKSPACES, namespace: '', name });
const lcKey = (cluster: string): ObjectKey => ({ cluster, resource: LOGICAL_CLUSTERS, namespace: '', name: LOGICAL_CLUSTER_NAME });

class RetryLater extends Error {
  constructor(readonly afterMs: number) {
    super('retry later');
  }
}

function condition(type: string, ok: boolean, reason?: string, message?: string) {
  return {
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now(),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/**
 * The Workspace controller, in process (kcp runs the same loop in its
 * workspace/logicalcluster reconcilers). Level-triggered and idempotent:
 * it is driven by watch events (every replica sees every revision), runs
 * each Workspace's reconcile serially, and on start re-reads every Workspace
 * that is not Ready or is terminating, so a restart mid-way converges.
 * Concurrent replicas are safe: every write is guarded by the revision it read,
 * and logical cluster paths are unique in the database.
 */
export class WorkspaceController {
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Reconciles in flight at once: a burst of ten thousand Workspaces must not take every pool connection from requests. */
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly listener = (event: EventRow) => this.onEvent(event);
  /**
   * The newest revision of a Workspace the hub dispatched, for its next reconcile to start from
   * without reading it again. Only a new Workspace's first pass uses it (see reconcile): there
   * every write is conditional on this revision, so a newer state elsewhere only costs a retry.
   */
  private readonly fresh = new Map<string, StoredRow>();

  constructor(
    private readonly deps: {
      store: Store;
      clusters: ClusterDirectory;
      hub: WatchHub;
      types: WorkspaceTypeResolver;
      logger: Logger;
      /** What clients use to reach this server (the https URL when TLS is on); spec.URL = `<baseUrl>/clusters/<path>`. */
      baseUrl: string;
      initializers: Record<string, InitializerHook>;
      /** Binds the default APIBindings of a new workspace before it turns Ready. */
      bindings?: { sync(cluster: string): Promise<void> };
    },
  ) {}

  async start(): Promise<void> {
    const { store } = this.deps;
    // root:universal exists in every installation (kcp bootstraps it too).
    await store.put({ cluster: 'root', resource: WORKSPACE_TYPES, namespace: '', name: 'universal' }, null, JSON.stringify(this.stamp(universalType())));
    this.deps.hub.eventListeners.add(this.listener);
    const { rows } = await store.pool.query<{ cluster: string; name: string }>(
      `select cluster, name from apiserver.objects where resource = $1 and (value not like '%"phase":"Ready"%' or value like '%"deletionTimestamp"%')`,
      [WORKSPACES],
    );
    for (const r of rows) this.enqueue(r.cluster, r.name);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.hub.eventListeners.delete(this.listener);
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private stamp(obj: KubeObject): KubeObject {
    obj.metadata = { ...obj.metadata, uid: crypto.randomUUID(), creationTimestamp: now(), generation: 1 };
    return obj;
  }

  private onEvent(event: EventRow): void {
    if (event.resource === WORKSPACES) {
      const key = `${event.cluster}/${event.name}`;
      // Deleted, or Ready and not terminating: nothing to do (cheap test, no parse).
      if (event.type === 'DELETED' || (event.value.includes('"phase":"Ready"') && !event.value.includes('"deletionTimestamp"'))) {
        this.fresh.delete(key);
        return;
      }
      const { type: _type, ...row } = event;
      this.fresh.set(key, row);
      this.enqueue(event.cluster, event.name);
    } else if (event.resource === WORKSPACE_TYPES) {
      this.deps.types.invalidate(event.cluster, event.name);
    } else if (event.resource === LOGICAL_CLUSTERS) {
      if (event.type === 'DELETED') {
        this.deps.clusters.invalidate(event.cluster);
        this.deps.types.invalidate(event.cluster);
        return;
      }
      // An initializer removed itself: move the owning Workspace on.
      const lc = JSON.parse(event.value) as KubeObject;
      const owner = (lc.spec as { owner?: { cluster?: string; name?: string } } | undefined)?.owner;
      const phase = (lc.status as { phase?: string } | undefined)?.phase;
      if (owner?.cluster && owner.name && phase === 'Initializing') this.enqueue(owner.cluster, owner.name);
    }
  }

  /** Runs the reconcile of one Workspace; a request while it runs makes it run once more. */
  enqueue(cluster: string, name: string): void {
    if (this.stopped) return;
    const key = `${cluster}/${name}`;
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: true, done: Promise.resolve() };
    entry.done = (async () => {
      while (entry.again && !this.stopped) {
        entry.again = false;
        try {
          await this.slot();
          try {
            await this.reconcile(cluster, name);
          } finally {
            this.active--;
            this.waiting.shift()?.();
          }
        } catch (err) {
          const afterMs = err instanceof RetryLater ? err.afterMs : 250;
          if (!(err instanceof RetryLater)) this.deps.logger.warn({ err, cluster, name }, 'workspace reconcile failed; retrying');
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.enqueue(cluster, name);
          }, afterMs);
          this.timers.add(timer);
        }
      }
      this.running.delete(key);
    })();
    this.running.set(key, entry);
  }

  private async slot(): Promise<void> {
    if (this.active >= 12) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private async reconcile(clusterName: string, name: string): Promise<void> {
    const { store, clusters } = this.deps;
    const key = `${clusterName}/${name}`;
    let row = this.fresh.get(key);
    this.fresh.delete(key);
    let ws = row ? (JSON.parse(row.value) as KubeObject) : undefined;
    const isNew = (w: KubeObject | undefined) =>
      !!w &&
      !w.metadata?.deletionTimestamp &&
      (w.status as { phase?: string } | undefined)?.phase === 'Scheduling' &&
      !(w.spec as { cluster?: string } | undefined)?.cluster;
    // Anything but a new Workspace's first pass reads the current state.
    const fromEvent = isNew(ws);
    if (!fromEvent) {
      row = await store.get(wsKey(clusterName, name));
      if (!row) return;
      ws = JSON.parse(row.value) as KubeObject;
    }
    if (!row || !ws) return;
    const parent = await clusters.resolve(clusterName);
    if (!parent) return;
    const spec = (ws.spec ?? {}) as { type?: TypeReference; cluster?: string; URL?: string };
    const childPath = `${parent.path}:${name}`;

    if (ws.metadata?.deletionTimestamp) {
      // A path held by another Workspace is not ours to delete.
      const child = await this.childOf(ws, spec, childPath).catch(() => null);
      if (child && !(await this.deleteCluster(child))) throw new RetryLater(500);
      const finalizers = (ws.metadata.finalizers ?? []).filter((f) => f !== WORKSPACE_FINALIZER);
      ws.metadata.finalizers = finalizers;
      if (finalizers.length === 0) delete ws.metadata.finalizers;
      const result = await store.put(wsKey(clusterName, name), row.rv, JSON.stringify(ws), finalizers.length === 0);
      if (!result.ok && result.why === 'conflict') throw new RetryLater(0);
      return;
    }
    const status = (ws.status ?? {}) as { phase?: Phase; conditions?: unknown[]; initializers?: string[] };
    if (status.phase === 'Ready') return;

    const type = spec.type ? await this.deps.types.resolve(spec.type, parent) : undefined;
    const chain: ResolvedType[] = type ? await this.deps.types.chain(type) : [];
    // A Workspace still Scheduling without spec.cluster usually has no cluster yet: try to create it
    // first and look for an earlier pass's cluster only when the path is taken (saves a read per Workspace).
    let child = status.phase === 'Scheduling' && !spec.cluster ? null : await this.childOf(ws, spec, childPath);
    let createdLc: { phase: Phase; initializers: string[] } | undefined;
    if (!child) {
      const initializers = chain.filter((t) => (t.object.spec as { initializer?: boolean } | undefined)?.initializer === true).map((t) => t.key);
      let owner: string | undefined;
      try {
        owner = (JSON.parse(ws.metadata?.annotations?.[OWNER_ANNOTATION] ?? '{}') as { username?: string }).username;
      } catch {
        owner = undefined;
      }
      const phase: Phase = initializers.length > 0 ? 'Initializing' : 'Ready';
      // Without initializers, hooks or default bindings nothing else happens before Ready: the
      // Workspace's final status commits together with the cluster (one commit per workspace).
      const direct = phase === 'Ready' && chain.every((t) => !(t.object.spec as { defaultAPIBindings?: unknown[] } | undefined)?.defaultAPIBindings?.length);
      // Only the direct creation commits conditionally on the Workspace's revision (its status goes in
      // the same statement); any other creation starts from the Workspace as stored now.
      if (fromEvent && !direct) throw new RetryLater(0);
      try {
        child = await clusters.create(childPath, {
          ...(direct
            ? {
                alsoWrite: (created: LogicalCluster) => [
                  { key: wsKey(clusterName, name), value: JSON.stringify(this.statusFor(ws, spec, status, created, 'Ready', [])), expectRv: row.rv },
                ],
              }
            : {}),
          ...(owner ? { owner } : {}),
          phase: initializers.length > 0 ? 'Initializing' : 'Ready',
          initializers,
          ...(type ? { type: type.key } : {}),
          workspace: { cluster: clusterName, name, uid: ws.metadata?.uid ?? '' },
          baseUrl: this.deps.baseUrl,
        });
        if (direct) return;
        createdLc = { phase, initializers };
      } catch (e) {
        if (e instanceof WriteConflictError) throw new RetryLater(0);
        if (!(e instanceof ClusterExistsError)) throw e;
        // Another replica (or an earlier, interrupted pass) created it: adopt it if it is ours.
        child = await this.childOf(ws, spec, childPath);
        if (!child) throw new RetryLater(0);
      }
    }

    // The types' default APIBindings (idempotent: an existing binding of that name stays).
    const defaults = chain.flatMap((t) =>
      ((t.object.spec as { defaultAPIBindings?: { path?: string; export: string }[] } | undefined)?.defaultAPIBindings ?? []).map((b) => ({
        ...b,
        home: t.path,
      })),
    );
    if (defaults.length > 0) {
      for (const b of defaults) {
        const binding = this.stamp({
          apiVersion: 'apis.kcp.io/v1alpha1',
          kind: 'APIBinding',
          metadata: { name: b.export },
          spec: { reference: { export: { path: b.path ?? b.home, name: b.export } } },
          status: { phase: 'Binding' },
        });
        await store.put({ cluster: child.name, resource: 'apibindings.apis.kcp.io', namespace: '', name: b.export }, null, JSON.stringify(binding));
      }
      await this.deps.bindings?.sync(child.name);
    }

    // Initializing: run the server-side initializers this server has hooks for.
    // Just created without initializers: the LogicalCluster is Ready already, no need to read it back.
    const lcRow = createdLc?.phase === 'Ready' ? undefined : await store.get(lcKey(child.name));
    if (!lcRow && !createdLc) throw new Error(`logical cluster ${child.path} has no LogicalCluster object`);
    const lc = lcRow ? (JSON.parse(lcRow.value) as KubeObject) : { status: createdLc };
    const lcStatus = (lc.status ?? {}) as { phase?: Phase; initializers?: string[] };
    let pending = lcStatus.initializers ?? [];
    const hooked = pending.filter((i) => this.deps.initializers[i]);
    for (const initializer of hooked) {
      await this.deps.initializers[initializer]!({
        cluster: child,
        workspace: ws,
        ensureObject: async (resource, object) => {
          const key: ObjectKey = {
            cluster: child!.name,
            resource: resource.group ? `${resource.plural}.${resource.group}` : resource.plural,
            namespace: resource.namespace ?? '',
            name: object.metadata?.name ?? '',
          };
          const stamped = this.stamp(structuredClone(object));
          if (resource.namespace) stamped.metadata!.namespace = resource.namespace;
          await store.put(key, null, JSON.stringify(stamped));
        },
      });
    }
    pending = pending.filter((i) => !hooked.includes(i));
    const lcPhase: Phase = pending.length === 0 ? 'Ready' : 'Initializing';
    if (lcRow && (lcPhase !== lcStatus.phase || hooked.length > 0)) {
      lc.status = { ...lcStatus, phase: lcPhase, initializers: pending };
      const result = await store.put(lcKey(child.name), lcRow.rv, JSON.stringify(lc));
      if (!result.ok) throw new RetryLater(0);
    }

    const next = this.statusFor(ws, spec, status, child, lcPhase, pending);
    if (isDeepStrictEqual({ s: next.spec, p: status.phase, i: status.initializers }, { s: ws.spec, p: lcPhase, i: pending })) return;
    const result = await store.put(wsKey(clusterName, name), row.rv, JSON.stringify(next));
    if (!result.ok && result.why === 'conflict') throw new RetryLater(0);
  }

  /** The Workspace as it should be once its logical cluster exists. */
  private statusFor(
    ws: KubeObject,
    spec: { type?: TypeReference; cluster?: string; URL?: string },
    status: { phase?: Phase; conditions?: unknown[]; initializers?: string[] },
    child: LogicalCluster,
    lcPhase: Phase,
    pending: string[],
  ): KubeObject {
    const next = structuredClone(ws);
    next.spec = { ...spec, cluster: child.name, URL: `${this.deps.baseUrl}/clusters/${child.path}` };
    next.status = {
      ...status,
      phase: lcPhase,
      initializers: pending,
      conditions: [
        condition('WorkspaceScheduled', true),
        lcPhase === 'Ready'
          ? condition('WorkspaceInitialized', true)
          : condition('WorkspaceInitialized', false, 'InitializerExists', `waiting for initializers: ${pending.join(', ')}`),
      ],
    };
    return next;
  }

  /** The Workspace's logical cluster: by `spec.cluster`, else by path if it belongs to this Workspace (an interrupted earlier pass). */
  private async childOf(ws: KubeObject, spec: { cluster?: string }, childPath: string): Promise<LogicalCluster | null> {
    const { clusters, store } = this.deps;
    if (spec.cluster) return clusters.resolve(spec.cluster);
    const byPath = await clusters.resolve(childPath);
    if (!byPath) return null;
    const lcRow = await store.get(lcKey(byPath.name));
    const ownerUid = lcRow ? (JSON.parse(lcRow.value) as { spec?: { owner?: { uid?: string } } }).spec?.owner?.uid : undefined;
    if (ownerUid && ownerUid !== ws.metadata?.uid) {
      throw new Error(`logical cluster path ${childPath} belongs to another Workspace (uid ${ownerUid})`);
    }
    return byPath;
  }

  /**
   * Deletes a logical cluster and its subtree, deepest first. Objects with
   * finalizers (other than the Workspace finalizer, which this handles by
   * recursion) get a deletionTimestamp and are waited for: returns false
   * until they are gone.
   */
  private async deleteCluster(cluster: LogicalCluster): Promise<boolean> {
    const { store, clusters } = this.deps;
    let done = true;
    for (const child of await clusters.children(cluster.name)) {
      if (!(await this.deleteCluster(child))) done = false;
    }
    const { rows } = await store.pool.query<{ resource: string; namespace: string; name: string; rv: string; value: string }>(
      `select resource, namespace, name, rv, value from apiserver.objects where cluster = $1 and value like '%"finalizers":[%'`,
      [cluster.name],
    );
    for (const r of rows) {
      const obj = JSON.parse(r.value) as KubeObject;
      const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => !(r.resource === WORKSPACES && f === WORKSPACE_FINALIZER));
      if (finalizers.length === 0) continue;
      done = false;
      if (!obj.metadata?.deletionTimestamp) {
        obj.metadata = { ...obj.metadata, deletionTimestamp: now(), deletionGracePeriodSeconds: 0 };
        await store.put({ cluster: cluster.name, resource: r.resource, namespace: r.namespace, name: r.name }, Number(r.rv), JSON.stringify(obj));
      }
    }
    if (done) {
      await clusters.remove(cluster);
      return true;
    }
    // Something holds it: show Terminating on its LogicalCluster while waiting.
    const lcRow = await store.get(lcKey(cluster.name));
    if (lcRow) {
      const lc = JSON.parse(lcRow.value) as KubeObject;
      if ((lc.status as { phase?: string } | undefined)?.phase !== 'Terminating') {
        lc.status = { ...(lc.status as object), phase: 'Terminating' };
        lc.metadata = { ...lc.metadata, deletionTimestamp: lc.metadata?.deletionTimestamp ?? now() };
        await store.put(lcKey(cluster.name), lcRow.rv, JSON.stringify(lc));
      }
    }
    return false;
  }
}
