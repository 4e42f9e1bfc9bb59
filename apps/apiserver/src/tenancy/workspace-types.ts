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
  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterDirectory,
  ) {}

  private async getIn(cluster: LogicalCluster, name: string): Promise<ResolvedType | undefined> {
    const row = await this.store.get({ cluster: cluster.name, resource: WORKSPACE_TYPES, namespace: '', name });
    if (!row) return undefined;
    return { path: cluster.path, name, key: `${cluster.path}:${name}`, object: JSON.parse(row.value) as KubeObject };
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
    const row = await this.store.get({ cluster: cluster.name, resource: LOGICAL_CLUSTERS, namespace: '', name: LOGICAL_CLUSTER_NAME });
    const key = row ? (JSON.parse(row.value) as KubeObject).metadata?.annotations?.[TYPE_ANNOTATION] : undefined;
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
