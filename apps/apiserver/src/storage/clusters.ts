import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTERS, PATH_ANNOTATION, type Phase, TYPE_ANNOTATION } from '../tenancy/types.js';
import { type ObjectKey, type Store, storageKey } from './store.js';

export interface CreateClusterOptions {
  /** User who gets the `workspace-admin` binding. */
  owner?: string;
  /** Initial phase of the LogicalCluster object (default Ready: a cluster made directly, not through a Workspace). */
  phase?: Phase;
  /** Initializers the LogicalCluster waits for (kcp: from the WorkspaceType and the types it extends). */
  initializers?: string[];
  /** `<path>:<name>` of the WorkspaceType. */
  type?: string;
  /** The Workspace this cluster belongs to (LogicalCluster spec.owner, as in kcp). */
  workspace?: { cluster: string; name: string; uid: string };
  /** Base URL for status.URL. */
  baseUrl?: string;
  /**
   * More writes to commit atomically with the cluster (the Workspace's status
   * update, so creating a workspace costs one commit); if any of them fails
   * its precondition, nothing is created and WriteConflictError is thrown.
   */
  alsoWrite?: (cluster: LogicalCluster) => { key: ObjectKey; value: string; expectRv?: number }[];
}

export class WriteConflictError extends Error {}

/** The LogicalCluster object every logical cluster has (kcp: exactly one, named `cluster`). */
export function logicalClusterObject(cluster: { name: string; path: string }, options: CreateClusterOptions, now: string): Record<string, unknown> {
  const phase = options.phase ?? 'Ready';
  const initializers = options.initializers ?? [];
  return {
    apiVersion: 'core.kcp.io/v1alpha1',
    kind: 'LogicalCluster',
    metadata: {
      name: LOGICAL_CLUSTER_NAME,
      uid: randomUUID(),
      creationTimestamp: now,
      annotations: { [PATH_ANNOTATION]: cluster.path, ...(options.type ? { [TYPE_ANNOTATION]: options.type } : {}) },
    },
    spec: {
      ...(options.workspace
        ? {
            owner: {
              apiVersion: 'tenancy.kcp.io/v1alpha1',
              resource: 'workspaces',
              name: options.workspace.name,
              cluster: options.workspace.cluster,
              uid: options.workspace.uid,
            },
          }
        : {}),
      initializers,
    },
    status: {
      phase,
      initializers,
      ...(options.baseUrl ? { URL: `${options.baseUrl}/clusters/${cluster.path}` } : {}),
      conditions: [],
    },
  };
}

export interface LogicalCluster {
  /** Stable logical cluster name (what `kcp.io/cluster` annotations carry). */
  name: string;
  /** The kcp path, e.g. `root:acme:dev`. */
  path: string;
  parent: string | null;
  uid: string;
  owner: string | null;
  createdAt: string;
}

const SEGMENT = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A kcp path: colon-separated DNS-1123 labels, starting at `root`. */
export function isValidClusterPath(path: string): boolean {
  const segments = path.split(':');
  return segments[0] === 'root' && segments.every((s) => SEGMENT.test(s));
}

/** Logical cluster names look like kcp's: short, random, base36; `root` is `root`. */
function newClusterName(): string {
  const bytes = randomBytes(10);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(16, '0').slice(0, 16);
}

export class ClusterExistsError extends Error {}
export class ParentMissingError extends Error {}

interface Row {
  name: string;
  path: string;
  parent: string | null;
  uid: string;
  owner: string | null;
  created_at: Date;
}

const toCluster = (r: Row): LogicalCluster => ({
  name: r.name,
  path: r.path,
  parent: r.parent,
  uid: r.uid,
  owner: r.owner,
  createdAt: r.created_at.toISOString(),
});

/**
 * Logical clusters: creation (the internal path Workspace provisioning sits
 * on) and a cache of path/name → cluster for the request path. Deleted
 * clusters are rare; the cache keeps negative answers only briefly.
 */
export class ClusterDirectory {
  private readonly cache = new Map<string, { cluster: LogicalCluster | null; at: number }>();
  /**
   * Called after a logical cluster's creation committed, with every object written with it and
   * its revision (caches seed themselves from it: a new cluster holds exactly these objects).
   */
  readonly createdListeners = new Set<(cluster: LogicalCluster, written: { key: ObjectKey; value: string; rv: number }[]) => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: Store,
  ) {}

  async resolve(pathOrName: string): Promise<LogicalCluster | null> {
    const hit = this.cache.get(pathOrName);
    const now = Date.now();
    if (hit && (hit.cluster !== null || now - hit.at < 1000)) return hit.cluster;
    const { rows } = await this.pool.query<Row>({
      name: 'apiserver_cluster_resolve',
      text: 'select name, path, parent, uid, owner, created_at from apiserver.logical_clusters where path = $1 or name = $1 limit 1',
      values: [pathOrName],
    });
    const cluster = rows[0] ? toCluster(rows[0]) : null;
    // A create that committed while this read was in flight already cached the cluster: keep that.
    const since = this.cache.get(pathOrName);
    if (cluster === null && since?.cluster) return since.cluster;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(pathOrName, { cluster, at: now });
    return cluster;
  }

  /** Ancestor logical cluster names, nearest first (policy and cost walk this chain). */
  async ancestors(cluster: LogicalCluster): Promise<LogicalCluster[]> {
    const out: LogicalCluster[] = [];
    const segments = cluster.path.split(':');
    for (let i = segments.length - 1; i >= 1; i--) {
      const parent = await this.resolve(segments.slice(0, i).join(':'));
      if (parent) out.push(parent);
    }
    return out;
  }

  /**
   * Creates a logical cluster with its `default` namespace and, when an owner
   * is given, the `workspace-admin` ClusterRoleBinding to `cluster-admin` (as kcp does).
   */
  async create(path: string, options: CreateClusterOptions = {}): Promise<LogicalCluster> {
    if (!isValidClusterPath(path)) throw new Error(`invalid logical cluster path "${path}": colon-separated DNS-1123 labels starting with root`);
    const segments = path.split(':');
    const parentPath = segments.length > 1 ? segments.slice(0, -1).join(':') : null;
    const name = path === 'root' ? 'root' : newClusterName();
    const uid = randomUUID();
    const createdAt = new Date();
    const now = createdAt.toISOString().replace(/\.\d+Z$/, 'Z');
    // The parent's name comes back from the statement; everything written before it only needs name and path.
    const cluster: LogicalCluster = { name, path, parent: null, uid, owner: options.owner ?? null, createdAt: createdAt.toISOString() };
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default', uid: randomUUID(), creationTimestamp: now, labels: { 'kubernetes.io/metadata.name': 'default' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    const objects: { key: ObjectKey; value: string; expectRv?: number }[] = [
      { key: storageKey(name, '', 'namespaces', '', 'default'), value: JSON.stringify(namespace) },
      {
        key: { cluster: name, resource: LOGICAL_CLUSTERS, namespace: '', name: LOGICAL_CLUSTER_NAME },
        value: JSON.stringify(logicalClusterObject(cluster, options, now)),
      },
    ];
    if (options.owner) {
      const binding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'workspace-admin', uid: randomUUID(), creationTimestamp: now },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: options.owner }],
      };
      objects.push({ key: storageKey(name, 'rbac.authorization.k8s.io', 'clusterrolebindings', '', 'workspace-admin'), value: JSON.stringify(binding) });
    }
    const all = [...objects, ...(options.alsoWrite?.(cluster) ?? [])];
    // One statement: the parent check, the row and every object (apiserver.put under the write lock),
    // atomic on its own, so no BEGIN/COMMIT round trips around it.
    let result: { parent_name: string | null; revisions: string[] } | undefined;
    try {
      ({
        rows: [result],
      } = await this.pool.query<{ parent_name: string | null; revisions: string[] }>({
        name: 'apiserver_create_cluster',
        text: 'select parent_name, revisions from apiserver.create_cluster($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        values: [
          name,
          path,
          parentPath,
          uid,
          options.owner ?? null,
          createdAt,
          all.map((o) => o.key.cluster),
          all.map((o) => o.key.resource),
          all.map((o) => o.key.namespace),
          all.map((o) => o.key.name),
          all.map((o) => o.expectRv ?? null),
          all.map((o) => o.value),
        ],
      }));
    } catch (e) {
      if ((e as { code?: string }).code === 'AP409') throw new WriteConflictError(`logical cluster "${path}": a write made with it lost a race`);
      throw e;
    }
    const revisions = (result?.revisions ?? []).map(Number);
    if (revisions[0] === -2) throw new ParentMissingError(`parent logical cluster "${parentPath}" does not exist`);
    if (revisions[0] === -1) throw new ClusterExistsError(`logical cluster "${path}" already exists`);
    cluster.parent = result?.parent_name ?? null;
    const written = all.map((o, i) => ({ key: o.key, value: o.value, rv: revisions[i]! }));
    for (const [i, w] of written.entries()) {
      this.store.recordWrite(w.key, w.rv);
      this.store.recordCommitted(w.key, all[i]!.expectRv ?? null, w.value, false, { ok: true, rv: w.rv });
    }
    // Committed, so this is the truth for both keys (the path's first request and cost admission's
    // lookup by name then need no read); it replaces any brief negative answer from before.
    const at = Date.now();
    this.cache.set(path, { cluster, at });
    this.cache.set(name, { cluster, at });
    for (const fn of this.createdListeners) fn(cluster, written);
    return cluster;
  }

  /** Forgets cached lookups of a logical cluster (it was deleted here or on another replica). */
  invalidate(name: string): void {
    for (const [key, hit] of this.cache) if (key === name || hit.cluster?.name === name) this.cache.delete(key);
  }

  /** Direct children (by parent name). */
  async children(name: string): Promise<LogicalCluster[]> {
    const { rows } = await this.pool.query<Row>('select name, path, parent, uid, owner, created_at from apiserver.logical_clusters where parent = $1', [name]);
    return rows.map(toCluster);
  }

  /**
   * Removes a logical cluster and whatever objects remain in it, in one
   * transaction (callers delete finalizer-holding objects first). Idempotent.
   */
  async remove(cluster: LogicalCluster): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // Through apiserver.put so every removal is a watch event and the revision log stays complete.
      const { rows } = await client.query<{ resource: string; namespace: string; name: string; rv: string; value: string }>(
        'select resource, namespace, name, rv, value from apiserver.objects where cluster = $1',
        [cluster.name],
      );
      // In chunks of one statement each (bind parameters are limited to 65,535 per statement).
      for (let i = 0; i < rows.length; i += 500) {
        await this.store.createMany(
          rows.slice(i, i + 500).map((r) => ({
            key: { cluster: cluster.name, resource: r.resource, namespace: r.namespace, name: r.name },
            value: r.value,
            expectRv: Number(r.rv),
            remove: true,
          })),
          client,
        );
      }
      await client.query('delete from apiserver.logical_clusters where name = $1', [cluster.name]);
      await client.query('delete from apiserver.cluster_object_counts where cluster = $1', [cluster.name]);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    this.invalidate(cluster.name);
  }

  /** Idempotent: the root logical cluster every installation has. */
  async ensureRoot(): Promise<LogicalCluster> {
    const existing = await this.resolve('root');
    if (existing) {
      // Databases from before LogicalCluster objects existed get root's now.
      const key = { cluster: 'root', resource: LOGICAL_CLUSTERS, namespace: '', name: LOGICAL_CLUSTER_NAME };
      if (!(await this.store.get(key))) {
        await this.store.put(
          key,
          null,
          JSON.stringify(logicalClusterObject(existing, { type: 'root:root' }, new Date().toISOString().replace(/\.\d+Z$/, 'Z'))),
        );
      }
      return existing;
    }
    try {
      return await this.create('root', { type: 'root:root' });
    } catch (e) {
      if (e instanceof ClusterExistsError) {
        this.cache.delete('root');
        const again = await this.resolve('root');
        if (again) return again;
      }
      throw e;
    }
  }
}
