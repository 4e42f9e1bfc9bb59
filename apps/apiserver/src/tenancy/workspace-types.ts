import type { KubeObject } from '../registry/types.js';
import type { ClusterDirectory, LogicalCluster } from '../storage/clusters.js';
import type { Store } from '../storage/store.js';
import { LOGICAL_CLUSTER_NAME, LOGICAL_CLUSTERS, TYPE_ANNOTATION, type TypeReference, UNIVERSAL, WORKSPACE_TYPES } from './types.js';

/** A WorkspaceType found in storage, with the path of the logical cluster that holds it. */
export interface ResolvedType {
  path: string;
  name: string;
  /** `<path>:<name>`, the identity used in messages, annotations and initializer names (as kcp does). */
  key: string;
  object: KubeObject;
}

interface TypeSpec {
  initializer?: boolean;
  extend?: { with?: TypeReference[] };
  defaultChildWorkspaceType?: TypeReference;
  limitAllowedChildren?: { types?: TypeReference[]; none?: boolean };
  limitAllowedParents?: { types?: TypeReference[]; none?: boolean };
  defaultAPIBindings?: { path?: string; export: string }[];
}

export const specOf = (t: ResolvedType): TypeSpec => (t.object.spec ?? {}) as TypeSpec;

/** The built-in type of every child whose parent names no default (kcp's `root:universal`). */
export function universalType(): KubeObject {
  return {
    apiVersion: 'tenancy.kcp.io/v1alpha1',
    kind: 'WorkspaceType',
    metadata: { name: UNIVERSAL },
    spec: { defaultChildWorkspaceType: { name: UNIVERSAL, path: 'root' } },
  };
}

/**
 * Finds WorkspaceTypes: by explicit path, or (no path) in the given logical
 * cluster and then its ancestors up to root, nearest first.
 */
export class WorkspaceTypeResolver {
  /**
   * WorkspaceTypes and cluster types by key, kept until a watch event
   * changes them (every Workspace create reads the same few types; this keeps
   * those reads off the database).
   */
  private readonly typeCache = new Map<string, ResolvedType | null>();
  private readonly clusterTypeCache = new Map<string, string | null>();

  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterDirectory,
  ) {}

  /** Drops cached answers for a changed WorkspaceType or a removed logical cluster. */
  invalidate(cluster: string, typeName?: string): void {
    if (typeName === undefined) this.clusterTypeCache.delete(cluster);
    else this.typeCache.delete(`${cluster}/${typeName}`);
  }

  private async getIn(cluster: LogicalCluster, name: string): Promise<ResolvedType | undefined> {
    const cacheKey = `${cluster.name}/${name}`;
    const hit = this.typeCache.get(cacheKey);
    if (hit !== undefined) return hit ?? undefined;
    const row = await this.store.get({ cluster: cluster.name, resource: WORKSPACE_TYPES, namespace: '', name });
    const found = row ? { path: cluster.path, name, key: `${cluster.path}:${name}`, object: JSON.parse(row.value) as KubeObject } : undefined;
    // Negative answers are not cached: a type created on another replica must be found at once.
    if (found) {
      if (this.typeCache.size > 10_000) this.typeCache.clear();
      this.typeCache.set(cacheKey, found);
    }
    return found;
  }

  async resolve(ref: TypeReference, from: LogicalCluster): Promise<ResolvedType | undefined> {
    if (ref.path) {
      const cluster = await this.clusters.resolve(ref.path);
      return cluster ? this.getIn(cluster, ref.name) : undefined;
    }
    for (const c of [from, ...(await this.clusters.ancestors(from))]) {
      const found = await this.getIn(c, ref.name);
      if (found) return found;
    }
    return undefined;
  }

  /** The type and every type it extends (transitively), the type first; cycles are cut. */
  async chain(type: ResolvedType): Promise<ResolvedType[]> {
    const out: ResolvedType[] = [type];
    const seen = new Set([type.key]);
    for (let i = 0; i < out.length && out.length < 32; i++) {
      const t = out[i]!;
      const home = await this.clusters.resolve(t.path);
      if (!home) continue;
      for (const ref of specOf(t).extend?.with ?? []) {
        const found = await this.resolve(ref, home);
        if (found && !seen.has(found.key)) {
          seen.add(found.key);
          out.push(found);
        }
      }
    }
    return out;
  }

  /** The resolved type of an existing logical cluster (from its LogicalCluster annotation). */
  async typeOfCluster(cluster: LogicalCluster): Promise<ResolvedType | undefined> {
    let key = this.clusterTypeCache.get(cluster.name);
    if (key === undefined) {
      const row = await this.store.get({ cluster: cluster.name, resource: LOGICAL_CLUSTERS, namespace: '', name: LOGICAL_CLUSTER_NAME });
      // The type annotation never changes after creation.
      key = (row ? (JSON.parse(row.value) as KubeObject).metadata?.annotations?.[TYPE_ANNOTATION] : undefined) ?? null;
      if (this.clusterTypeCache.size > 100_000) this.clusterTypeCache.clear();
      if (row) this.clusterTypeCache.set(cluster.name, key);
    }
    if (!key) return undefined;
    const at = key.lastIndexOf(':');
    return this.resolve({ path: key.slice(0, at), name: key.slice(at + 1) }, cluster);
  }
}

/** Whether a type (given with its chain) matches a reference list; a type matches if it is or extends a listed type. */
export function chainMatches(chain: ResolvedType[], refs: TypeReference[], refHome: string): boolean {
  return refs.some((ref) => chain.some((t) => t.name === ref.name && t.path === (ref.path ?? refHome)));
}

export function refKey(ref: TypeReference, home: string): string {
  return `${ref.path ?? home}:${ref.name}`;
}
