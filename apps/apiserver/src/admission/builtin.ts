import { applyLimitRangeDefaults } from '@atrium/core';
import { podSpecOf } from '../registry/pod-defaults.js';
import type { KubeObject } from '../registry/types.js';
import { AdmissionDeniedError, type MutatingAdmissionPlugin, type ValidatingAdmissionPlugin } from './types.js';

const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** No new objects in a missing or terminating namespace; the system namespaces cannot be deleted. */
export const namespaceLifecycle: ValidatingAdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(a, ctx) {
    if (a.resource.group === '' && a.resource.plural === 'namespaces') {
      if (a.operation === 'DELETE' && UNDELETABLE_NAMESPACES.has(a.name)) {
        throw new AdmissionDeniedError(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`);
      }
      return;
    }
    if (a.operation !== 'CREATE' || !a.resource.namespaced) return;
    const namespace = await ctx.reader.get('', 'namespaces', '', a.namespace);
    if (!namespace) throw new AdmissionDeniedError(`namespaces "${a.namespace}" not found`, 404, 'NotFound');
    if (namespace.metadata?.deletionTimestamp) {
      throw new AdmissionDeniedError(
        `${a.resource.plural} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`,
        403,
        'Forbidden',
        [{ reason: 'NamespaceTerminating', field: 'metadata.namespace', message: `namespace ${a.namespace} is being terminated` }],
      );
    }
  },
};

/**
 * LimitRange defaults (core `applyLimitRangeDefaults`): containers without requests/limits
 * get the namespace's Container defaults, as kube-apiserver's LimitRanger does for Pods. Pod
 * templates of workloads get them too (on every write of the template), so what is stored
 * carries the requests it runs with downstream. Pricing never depends on them being there:
 * it raises every container to the price book's floor.
 */
export const limitRanger: MutatingAdmissionPlugin = {
  name: 'LimitRanger',
  async admit(a, ctx) {
    if (!a.object || a.subresource || a.operation === 'DELETE') return;
    // A Pod's resources are fixed once created; a workload's template may change on every update.
    if (a.resource.group === '' && a.resource.kind === 'Pod' && a.operation !== 'CREATE') return;
    const spec = podSpecOf(a.resource.group, a.resource.kind, a.object);
    if (!spec) return;
    const ranges = await ctx.reader.list('', 'limitranges', a.namespace);
    applyLimitRangeDefaults(spec, ranges);
  },
};

/** Object-count quota names: `count/<resource>[.<group>]` and the legacy core names. */
function quotaKeys(group: string, plural: string, object: KubeObject | null): string[] {
  const keys = [group ? `count/${plural}.${group}` : `count/${plural}`];
  if (group === '' && ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas'].includes(plural)) {
    keys.push(plural);
  }
  if (group === '' && plural === 'services' && (object?.spec as { type?: string } | undefined)?.type === 'LoadBalancer') keys.push('services.loadbalancers');
  if (group === '' && plural === 'services' && (object?.spec as { type?: string } | undefined)?.type === 'NodePort') keys.push('services.nodeports');
  return keys;
}

/** ResourceQuota object counts per namespace. */
export const resourceQuota: ValidatingAdmissionPlugin = {
  name: 'ResourceQuota',
  async validate(a, ctx) {
    if (a.operation !== 'CREATE' || !a.resource.namespaced || a.subresource) return;
    const quotas = await ctx.reader.list('', 'resourcequotas', a.namespace);
    if (quotas.length === 0) return;
    const keys = quotaKeys(a.resource.group, a.resource.plural, a.object);
    for (const quota of quotas) {
      const hard = (quota.spec as { hard?: Record<string, string | number> } | undefined)?.hard ?? {};
      for (const key of keys) {
        if (hard[key] === undefined) continue;
        const limit = Number(hard[key]);
        let used: number;
        if (key === 'services.loadbalancers' || key === 'services.nodeports') {
          const type = key === 'services.loadbalancers' ? 'LoadBalancer' : 'NodePort';
          used = (await ctx.reader.list('', 'services', a.namespace)).filter((s) => (s.spec as { type?: string } | undefined)?.type === type).length;
        } else {
          used = await ctx.reader.count(a.resource.group, a.resource.plural, a.namespace);
        }
        if (used + 1 > limit) {
          throw new AdmissionDeniedError(
            `${a.resource.plural} "${a.name}" is forbidden: exceeded quota: ${quota.metadata?.name}, requested: ${key}=1, used: ${key}=${used}, limited: ${key}=${hard[key]}`,
          );
        }
      }
    }
  },
};

/** A ceiling on stored objects per logical cluster, so one tenant cannot fill the database. */
export function objectCountCap(maxObjects: number): ValidatingAdmissionPlugin {
  return {
    name: 'ObjectCountCap',
    async validate(a, ctx) {
      if (a.operation !== 'CREATE' || a.resource.virtual) return;
      const denied = (_objects: number) =>
        new AdmissionDeniedError(
          `${a.resource.plural} "${a.name}" is forbidden: logical cluster ${a.logicalCluster.path} has reached its limit of ${maxObjects} objects`,
        );
      const nearly = (after: number, warn: (m: string) => void) => {
        if (after >= maxObjects * 0.9) warn(`logical cluster ${a.logicalCluster.path} holds ${after} of at most ${maxObjects} objects`);
      };
      // A real create carries the cap into apiserver.put (atomic, no extra round trip); a dry run
      // writes nothing, so it still reads the count.
      if (!a.dryRun && ctx.limitObjects) {
        ctx.limitObjects({ maxObjects, denied, admitted: nearly });
        return;
      }
      const count = await ctx.reader.count();
      if (count >= maxObjects) throw denied(count);
      nearly(count + 1, (m) => ctx.warn(m));
    },
  };
}
