import type { KubeObject } from './types.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function hasPodSpec(kind: string): boolean {
  return kind in POD_SPEC_PATHS;
}

/**
 * Kubernetes' defaulting of a container port's `protocol` (TCP), on every
 * write as kube-apiserver defaults on decode. Server-side apply depends on it:
 * `protocol` is part of a port's key.
 */
export function defaultPodSpec(kind: string, obj: KubeObject): void {
  let cur: unknown = obj;
  for (const part of POD_SPEC_PATHS[kind] ?? []) {
    if (!isRec(cur)) return;
    cur = cur[part];
  }
  if (!isRec(cur)) return;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const containers = cur[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      if (!isRec(c) || !Array.isArray(c.ports)) continue;
      for (const p of c.ports) if (isRec(p)) p.protocol ??= 'TCP';
    }
  }
}
