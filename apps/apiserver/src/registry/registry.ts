import { builtinTypes } from './builtin.js';
import { apiVersionOf, type ResourceType } from './types.js';

/** What one logical cluster serves. Built-ins are shared objects; only extra types cost memory per cluster. */
export class ClusterResources {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly types: readonly ResourceType[]) {
    for (const t of types) {
      if (!this.byPath.has(`${t.group}/${t.version}/${t.plural}`)) this.byPath.set(`${t.group}/${t.version}/${t.plural}`, t);
      // The first registered version of a group/kind is the preferred one.
      if (!this.byKind.has(`${apiVersionOf(t)}/${t.kind}`)) this.byKind.set(`${apiVersionOf(t)}/${t.kind}`, t);
    }
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  lookupKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** Group → versions, in registration order (first is preferred). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.version === version);
  }
}

/**
 * The resource registry. Types can be added to one logical cluster at run time
 * (CRDs, API bindings); a cluster without extra types shares one
 * `ClusterResources` instance, so ten thousand empty clusters cost nothing here.
 */
export class ResourceRegistry {
  private readonly shared = new ClusterResources(builtinTypes);
  private readonly extra = new Map<string, ClusterResources>();
  /** cluster → source (CRDs, API bindings) → types; the served set is their union. */
  private readonly extraTypes = new Map<string, Map<string, ResourceType[]>>();

  forCluster(logicalCluster: string): ClusterResources {
    return this.extra.get(logicalCluster) ?? this.shared;
  }

  /** All types any cluster serves for a group/version/plural; wildcard requests use the built-in ones. */
  builtins(): ClusterResources {
    return this.shared;
  }

  /** Replaces the run-time types of one logical cluster (idempotent; called by the CRD/binding controllers). */
  setClusterTypes(logicalCluster: string, types: ResourceType[], source = 'default'): void {
    const sources = this.extraTypes.get(logicalCluster) ?? new Map<string, ResourceType[]>();
    if (types.length === 0) sources.delete(source);
    else sources.set(source, types);
    if (sources.size === 0) {
      this.extra.delete(logicalCluster);
      this.extraTypes.delete(logicalCluster);
      return;
    }
    this.extraTypes.set(logicalCluster, sources);
    // Built-ins win over run-time types of the same group/version/plural (admission rejects such CRDs anyway).
    const all = [...builtinTypes, ...[...sources.values()].flat()];
    this.extra.set(logicalCluster, new ClusterResources(all));
  }
}
