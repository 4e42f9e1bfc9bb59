import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '@atrium/config';
import { AdmissionDeniedError, type MutatingAdmissionPlugin } from '../admission/types.js';
import { SYSTEM_MASTERS } from '../auth/authn.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import { CRDS } from '../crd/controller.js';
import { type CrdSpec, crdTypes, type Schema } from '../crd/schema.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import type { ClusterDirectory, LogicalCluster } from '../storage/clusters.js';
import type { EventRow, Store, StoredRow } from '../storage/store.js';
import type { WatchHub } from '../storage/watch-hub.js';
import { APIS_GROUP, BINDINGS, EXPORTS, SCHEMAS } from './types.js';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface SchemaSpec {
  group: string;
  names: CrdSpec['names'];
  scope: CrdSpec['scope'];
  versions: (Omit<CrdSpec['versions'][number], 'schema'> & { schema?: Schema })[];
}

interface ExportSpec {
  latestResourceSchemas?: string[];
  resources?: { group?: string; name?: string; schema: string }[];
}

/** The schema names an export serves: kcp v1alpha1's `latestResourceSchemas`, or v1alpha2's `resources[].schema`. */
export function exportSchemaNames(spec: ExportSpec | undefined): string[] {
  return [...(spec?.latestResourceSchemas ?? []), ...(spec?.resources ?? []).map((r) => r.schema)];
}

/** An APIResourceSchema's spec in CRD shape (its versions carry the schema itself, not `{openAPIV3Schema}`). */
function toCrdSpec(spec: SchemaSpec): CrdSpec {
  return {
    group: spec.group,
    names: spec.names,
    scope: spec.scope,
    versions: spec.versions.map((v) => ({ ...v, schema: v.schema ? { openAPIV3Schema: v.schema } : undefined })) as CrdSpec['versions'],
  };
}

/** Storage of a bound resource: apart per export identity. */
export function boundStorage(group: string, plural: string, identityHash: string): string {
  return `${plural}.${group}@${identityHash}`;
}

/**
 * Admission for the apis.kcp.io kinds: APIResourceSchema specs are immutable;
 * an APIExport gets its identity at creation (kcp derives it from a secret;
 * here it is a random SHA-256 kept in status, never changed); binding to an
 * export needs kcp's `bind` verb on it (in the export's cluster) for
 * non-admin users; status of exports and bindings is the server's.
 */
export function apisAdmission(deps: { clusters: ClusterDirectory; rbac: RbacAuthorizer }): MutatingAdmissionPlugin {
  return {
    name: 'APIsAdmission',
    async admit(a) {
      if (a.resource.group !== APIS_GROUP || !a.object) return;
      const obj = a.object;
      switch (a.resource.plural) {
        case 'apiresourceschemas':
          if (a.operation === 'UPDATE' && !isDeepStrictEqual(obj.spec, a.oldObject?.spec)) {
            throw new AdmissionDeniedError(`APIResourceSchema "${a.name}" is invalid: spec: Invalid value: is immutable`, 422, 'Invalid');
          }
          return;
        case 'apiexports':
          if (a.operation === 'CREATE') obj.status = { identityHash: createHash('sha256').update(randomBytes(32)).digest('hex') };
          else
            obj.status = {
              ...(isRecord(obj.status) ? obj.status : {}),
              identityHash: (a.oldObject?.status as { identityHash?: string } | undefined)?.identityHash,
            };
          return;
        case 'apibindings': {
          if (a.operation === 'UPDATE') {
            const oldRef = (a.oldObject?.spec as { reference?: unknown } | undefined)?.reference;
            if (!isDeepStrictEqual((obj.spec as { reference?: unknown } | undefined)?.reference, oldRef)) {
              throw new AdmissionDeniedError(`APIBinding "${a.name}" is invalid: spec.reference: Invalid value: is immutable`, 422, 'Invalid');
            }
            obj.status = a.oldObject?.status;
            return;
          }
          const ref = (obj.spec as { reference: { export: { name: string; path?: string } } }).reference.export;
          if (!a.user.groups.includes(SYSTEM_MASTERS)) {
            const home = ref.path ? await deps.clusters.resolve(ref.path) : a.logicalCluster;
            const allowed = home
              ? await deps.rbac.allowed(a.user, home.name, { verb: 'bind', group: APIS_GROUP, resource: 'apiexports', name: ref.name })
              : false;
            if (!allowed) {
              throw new AdmissionDeniedError(
                `apibindings.apis.kcp.io "${a.name}" is forbidden: User "${a.user.name}" cannot bind apiexports "${ref.name}" in workspace ${ref.path ?? a.logicalCluster.path}`,
              );
            }
          }
          obj.status = { phase: 'Binding' };
          return;
        }
      }
    },
  };
}

/**
 * Binds exports: for every APIBinding of a logical cluster, serves the
 * export's schemas there (stored per export identity) and reports
 * `status.phase: Bound` with `boundResources`. Rebuilt from storage per
 * cluster on binding events (every replica), on export changes for the
 * clusters bound to them, and at start.
 */
export class APIBindingController {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly listener = (event: EventRow) => {
    if (event.resource === BINDINGS || event.resource === CRDS) void this.sync(event.cluster);
    else if (event.resource === EXPORTS) void this.exportChanged(event.name);
  };

  constructor(private readonly deps: { store: Store; clusters: ClusterDirectory; registry: ResourceRegistry; hub: WatchHub; logger: Logger }) {}

  async start(): Promise<void> {
    this.deps.hub.eventListeners.add(this.listener);
    const { rows } = await this.deps.store.pool.query<{ cluster: string }>('select distinct cluster from apiserver.objects where resource = $1', [BINDINGS]);
    for (const r of rows) await this.sync(r.cluster);
  }

  stop(): Promise<void> {
    this.deps.hub.eventListeners.delete(this.listener);
    return Promise.allSettled([...this.queues.values()]).then(() => undefined);
  }

  private async exportChanged(name: string): Promise<void> {
    const { rows } = await this.deps.store.pool.query<{ cluster: string }>(
      'select distinct cluster from apiserver.objects where resource = $1 and strpos(value, $2) > 0',
      [BINDINGS, JSON.stringify(name)],
    );
    for (const r of rows) void this.sync(r.cluster);
  }

  sync(cluster: string): Promise<void> {
    const previous = this.queues.get(cluster) ?? Promise.resolve();
    const next = previous.then(() => this.syncNow(cluster)).catch((err: unknown) => this.deps.logger.warn({ err, cluster }, 'API binding sync failed'));
    this.queues.set(cluster, next);
    void next.finally(() => {
      if (this.queues.get(cluster) === next) this.queues.delete(cluster);
    });
    return next;
  }

  private async syncNow(clusterName: string): Promise<void> {
    const { store, clusters, registry } = this.deps;
    const cluster = await clusters.resolve(clusterName);
    if (!cluster) {
      registry.setClusterTypes(clusterName, [], 'bindings');
      return;
    }
    const { rows } = await store.list({ cluster: clusterName, resource: BINDINGS, limit: 10_000 });
    const crdRows = await store.list({ cluster: clusterName, resource: CRDS, limit: 10_000 });
    const taken = new Set(crdRows.rows.map((r) => r.name));
    const types: ResourceType[] = [];
    const sorted = rows
      .map((row) => ({ row, obj: JSON.parse(row.value) as KubeObject }))
      .sort(
        (x, y) => String(x.obj.metadata?.creationTimestamp).localeCompare(String(y.obj.metadata?.creationTimestamp)) || x.row.name.localeCompare(y.row.name),
      );
    for (const { row, obj } of sorted) {
      const result = await this.bind(cluster, obj, taken);
      types.push(...result.types);
      await this.writeStatus(row, obj, result.status);
    }
    registry.setClusterTypes(clusterName, types, 'bindings');
  }

  /** The types an export serves (stored under its identity), for its view across bindings; null if it does not exist. */
  async exportTypes(path: string, name: string): Promise<ResourceType[] | null> {
    const { store, clusters } = this.deps;
    const home = await clusters.resolve(path);
    const row = home ? await store.get({ cluster: home.name, resource: EXPORTS, namespace: '', name }) : undefined;
    if (!home || !row) return null;
    const apiExport = JSON.parse(row.value) as KubeObject;
    const identityHash = (apiExport.status as { identityHash?: string } | undefined)?.identityHash;
    if (!identityHash) return null;
    const types: ResourceType[] = [];
    for (const schemaName of exportSchemaNames(apiExport.spec as ExportSpec)) {
      const schemaRow = await store.get({ cluster: home.name, resource: SCHEMAS, namespace: '', name: schemaName });
      if (!schemaRow) continue;
      const spec = (JSON.parse(schemaRow.value) as KubeObject).spec as SchemaSpec;
      types.push(...crdTypes(toCrdSpec(spec)).map((t) => ({ ...t, storage: boundStorage(spec.group, spec.names.plural, identityHash) })));
    }
    return types;
  }

  private async bind(cluster: LogicalCluster, binding: KubeObject, taken: Set<string>): Promise<{ types: ResourceType[]; status: Record<string, unknown> }> {
    const { store, clusters } = this.deps;
    const ref = (binding.spec as { reference: { export: { name: string; path?: string } } }).reference.export;
    const binding_ = (reason: string, message: string) => ({
      types: [],
      status: { phase: 'Binding', conditions: [{ type: 'Ready', status: 'False', reason, message }] },
    });
    const home = ref.path ? await clusters.resolve(ref.path) : cluster;
    const exportRow = home ? await store.get({ cluster: home.name, resource: EXPORTS, namespace: '', name: ref.name }) : undefined;
    if (!home || !exportRow) return binding_('APIExportNotFound', `APIExport ${ref.path ?? cluster.path}:${ref.name} not found`);
    const apiExport = JSON.parse(exportRow.value) as KubeObject;
    const identityHash = (apiExport.status as { identityHash?: string } | undefined)?.identityHash;
    if (!identityHash) return binding_('APIExportNotReady', `APIExport ${home.path}:${ref.name} has no identity yet`);
    const types: ResourceType[] = [];
    const boundResources: Record<string, unknown>[] = [];
    for (const schemaName of exportSchemaNames(apiExport.spec as ExportSpec)) {
      const schemaRow = await store.get({ cluster: home.name, resource: SCHEMAS, namespace: '', name: schemaName });
      if (!schemaRow) return binding_('APIResourceSchemaNotFound', `APIResourceSchema ${home.path}:${schemaName} not found`);
      const schema = JSON.parse(schemaRow.value) as KubeObject;
      const spec = schema.spec as SchemaSpec;
      const resourceName = `${spec.names.plural}.${spec.group}`;
      if (taken.has(resourceName)) return binding_('NamingConflict', `${resourceName} is already served in ${cluster.path} (by a CRD or another binding)`);
      taken.add(resourceName);
      const crdSpec: CrdSpec = {
        group: spec.group,
        names: spec.names,
        scope: spec.scope,
        versions: spec.versions.map((v) => ({
          ...v,
          ...(v.schema ? { schema: { openAPIV3Schema: v.schema } } : { schema: undefined }),
        })) as CrdSpec['versions'],
      };
      const storage = boundStorage(spec.group, spec.names.plural, identityHash);
      types.push(...crdTypes(crdSpec).map((t) => ({ ...t, storage })));
      boundResources.push({
        group: spec.group,
        resource: spec.names.plural,
        schema: { name: schemaName, UID: schema.metadata?.uid, identityHash },
        storageVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
      });
    }
    return {
      types,
      status: {
        phase: 'Bound',
        apiExportClusterName: home.name,
        boundResources,
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    };
  }

  private async writeStatus(row: StoredRow, binding: KubeObject, status: Record<string, unknown>): Promise<void> {
    const current = (binding.status ?? {}) as Record<string, unknown>;
    const strip = (s: Record<string, unknown>) =>
      JSON.stringify({ ...s, conditions: ((s.conditions ?? []) as Record<string, unknown>[]).map(({ lastTransitionTime: _t, ...c }) => c) });
    if (strip(current) === strip(status)) return;
    const t = now();
    binding.status = { ...status, conditions: (status.conditions as Record<string, unknown>[]).map((c) => ({ ...c, lastTransitionTime: t })) };
    // A lost race means someone else wrote; their event syncs again.
    await this.deps.store.put({ cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name }, row.rv, JSON.stringify(binding));
  }
}
