import type { Logger } from '@atrium/config';
import { AdmissionDeniedError, type ValidatingAdmissionPlugin } from '../admission/types.js';
import { builtinTypes } from '../registry/builtin.js';
import type { ResourceRegistry } from '../registry/registry.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import type { EventRow, ObjectKey, PutResult, Store, StoredRow } from '../storage/store.js';
import type { WatchHub } from '../storage/watch-hub.js';
import { CrdRulesError, type CrdSpec, celRulesOf, crdTypes } from './schema.js';
import { evaluateRules, type RuleNode } from './validations.js';

export const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';
const BUILTIN_GROUPS = new Set(builtinTypes.map((t) => t.group));
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Serves each logical cluster's CustomResourceDefinitions there and nowhere
 * else. Every replica rebuilds a cluster's types from storage whenever a CRD
 * event arrives (and at start), so discovery follows within the watch
 * latency; the replica that took the write also syncs before answering.
 * Deleting a CRD deletes its custom resources (kube-apiserver's
 * customresourcecleanup, done at once).
 */
export class CrdController {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly listener = (event: EventRow) => {
    if (event.resource !== CRDS) return;
    if (event.type === 'DELETED') void this.cleanup(event.cluster, event.name);
    void this.sync(event.cluster);
  };

  constructor(
    private readonly deps: {
      store: Store;
      registry: ResourceRegistry;
      hub: WatchHub;
      logger: Logger;
      /** Removes one stored object (the REST layer's removal, which also releases its recorded price). */
      remove?: (key: ObjectKey, rv: number, value: string) => Promise<PutResult>;
    },
  ) {}

  async start(): Promise<void> {
    this.deps.hub.eventListeners.add(this.listener);
    const { rows } = await this.deps.store.pool.query<{ cluster: string }>('select distinct cluster from apiserver.objects where resource = $1', [CRDS]);
    for (const r of rows) await this.sync(r.cluster);
  }

  stop(): Promise<void> {
    this.deps.hub.eventListeners.delete(this.listener);
    return Promise.allSettled([...this.queues.values()]).then(() => undefined);
  }

  /** Rebuilds the served CRD types of one logical cluster (serialized per cluster). */
  sync(cluster: string): Promise<void> {
    const previous = this.queues.get(cluster) ?? Promise.resolve();
    const next = previous.then(() => this.syncNow(cluster)).catch((err: unknown) => this.deps.logger.warn({ err, cluster }, 'CRD sync failed'));
    this.queues.set(cluster, next);
    void next.finally(() => {
      if (this.queues.get(cluster) === next) this.queues.delete(cluster);
    });
    return next;
  }

  private async syncNow(cluster: string): Promise<void> {
    const { store, registry, logger } = this.deps;
    const { rows } = await store.list({ cluster, resource: CRDS, limit: 100_000 });
    const types: ResourceType[] = [];
    for (const row of rows) {
      const crd = JSON.parse(row.value) as KubeObject;
      try {
        types.push(...crdTypes(crd.spec as CrdSpec));
        await this.markEstablished(row, crd);
      } catch (err) {
        logger.warn({ err, cluster, crd: crd.metadata?.name }, 'CRD cannot be served');
      }
    }
    registry.setClusterTypes(cluster, types, 'crds');
  }

  private async markEstablished(row: StoredRow, crd: KubeObject): Promise<void> {
    const spec = crd.spec as CrdSpec;
    const status = (crd.status ?? {}) as { conditions?: { type: string; status: string }[]; acceptedNames?: unknown; storedVersions?: string[] };
    const acceptedNames = {
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      ...(spec.names.shortNames ? { shortNames: spec.names.shortNames } : {}),
      ...(spec.names.categories ? { categories: spec.names.categories } : {}),
    };
    const storage = spec.versions.find((v) => v.storage)?.name;
    const storedVersions = [...new Set([...(status.storedVersions ?? []), ...(storage ? [storage] : [])])];
    const established = status.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established && JSON.stringify(status.acceptedNames) === JSON.stringify(acceptedNames) && storedVersions.length === (status.storedVersions ?? []).length)
      return;
    const t = now();
    crd.status = {
      ...status,
      acceptedNames,
      storedVersions,
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: t },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: t },
      ],
    };
    // A lost race means someone else wrote; their event syncs again.
    await this.deps.store.put({ cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name }, row.rv, JSON.stringify(crd));
  }

  /** The CRD's name is `<plural>.<group>`, which is also the storage resource of its objects. */
  private async cleanup(cluster: string, resource: string): Promise<void> {
    const { store } = this.deps;
    try {
      const { rows } = await store.pool.query<{ namespace: string; name: string; rv: string; value: string }>(
        'select namespace, name, rv, value from apiserver.objects where cluster = $1 and resource = $2',
        [cluster, resource],
      );
      const remove = this.deps.remove ?? ((key: ObjectKey, rv: number, value: string) => store.put(key, rv, value, true));
      for (const r of rows) await remove({ cluster, resource, namespace: r.namespace, name: r.name }, Number(r.rv), r.value);
    } catch (err) {
      this.deps.logger.warn({ err, cluster, resource }, 'custom resource cleanup failed');
    }
  }
}

/** What kube-apiserver's CRD validation checks beyond the schema, for the fields this server relies on. */
export const crdValidation: ValidatingAdmissionPlugin = {
  name: 'CustomResourceDefinitionValidation',
  validate(a) {
    const rules = a.object ? celRulesOf(a.resource) : undefined;
    if (rules) validateCustomResource(a.resource.kind, a.resource.group, a.name, rules, a.object!, a.oldObject);
    if (a.resource.group !== 'apiextensions.k8s.io' || a.resource.plural !== 'customresourcedefinitions' || !a.object) return;
    const spec = (a.object.spec ?? {}) as Partial<CrdSpec>;
    const problems: string[] = [];
    const group = spec.group ?? '';
    const plural = spec.names?.plural ?? '';
    if (a.name !== `${plural}.${group}`) problems.push(`metadata.name: Invalid value: "${a.name}": must be spec.names.plural+"."+spec.group`);
    if (!group.includes('.')) problems.push(`spec.group: Invalid value: "${group}": should be a domain with at least one dot`);
    if (BUILTIN_GROUPS.has(group)) problems.push(`spec.group: Invalid value: "${group}": is served by the server itself`);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(plural)) problems.push(`spec.names.plural: Invalid value: "${plural}": must be a lowercase DNS label`);
    if (!spec.names?.kind) problems.push('spec.names.kind: Required value');
    const versions = spec.versions ?? [];
    if (versions.length === 0) problems.push('spec.versions: Invalid value: must have at least one version');
    if (versions.filter((v) => v.storage).length !== 1) problems.push('spec.versions: Invalid value: must have exactly one version marked as storage version');
    if (a.oldObject) {
      const old = (a.oldObject.spec ?? {}) as Partial<CrdSpec>;
      if (old.scope !== spec.scope) problems.push('spec.scope: Invalid value: field is immutable');
    }
    if (problems.length === 0) {
      try {
        crdTypes(spec as CrdSpec);
      } catch (e) {
        if (e instanceof CrdRulesError) problems.push(...e.problems.map((p) => `${p.field}: ${p.message}`));
        else problems.push(`spec.versions[*].schema.openAPIV3Schema: Invalid value: ${(e as Error).message}`);
      }
    }
    if (problems.length > 0) {
      // As causes too: kubectl prints an Invalid status's causes, not its message.
      const causes = problems.map((p) => {
        const colon = p.indexOf(': ');
        return { reason: 'FieldValueInvalid', field: p.slice(0, colon), message: p.slice(colon + 2) };
      });
      throw new AdmissionDeniedError(`CustomResourceDefinition.apiextensions.k8s.io "${a.name}" is invalid: ${problems.join(', ')}`, 422, 'Invalid', causes);
    }
  },
};

/** `x-kubernetes-validations` of a custom resource: one 422 cause per failing rule. */
function validateCustomResource(kind: string, group: string, name: string, rules: RuleNode, object: KubeObject, oldObject: KubeObject | null): void {
  const issues = evaluateRules(rules, object, oldObject ?? undefined, oldObject !== null);
  if (issues.length === 0) return;
  const causes = issues.map((i) => ({ reason: i.reason, field: i.field, message: i.message }));
  throw new AdmissionDeniedError(`${kind}.${group} "${name}" is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join(', ')}`, 422, 'Invalid', causes);
}
