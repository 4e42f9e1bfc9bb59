import type { KubeObject } from './types.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where each built-in workload kind (`group/kind`) keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function hasPodSpec(group: string, kind: string): boolean {
  return `${group}/${kind}` in POD_SPEC_PATHS;
}

/** The pod spec of a built-in workload object (a Pod's own, a template's, a CronJob's job template's), if it has one. */
export function podSpecOf(group: string, kind: string, obj: KubeObject): Rec | undefined {
  const path = POD_SPEC_PATHS[`${group}/${kind}`];
  if (!path) return undefined;
  let cur: unknown = obj;
  for (const part of path) {
    if (!isRec(cur)) return undefined;
    cur = cur[part];
  }
  return isRec(cur) ? cur : undefined;
}

/**
 * Kubernetes' defaulting of a container port's `protocol` (TCP), on every
 * write as kube-apiserver defaults on decode. Server-side apply depends on it:
 * `protocol` is part of a port's key.
 */
export function defaultPodSpec(group: string, kind: string, obj: KubeObject): void {
  const spec = podSpecOf(group, kind, obj);
  if (!spec) return;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isRec(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) if (isRec(p)) p.protocol ??= 'TCP';
    }
  }
}
