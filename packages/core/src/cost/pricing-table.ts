/**
 * How each kind is priced: one row per kind, and `priceObject` interprets these rows — no
 * other code decides what a kind costs. Kinds not listed are priced by their per-object
 * price-book rules alone (a custom resource with no rule is free, and its price says so).
 *
 * Every row reads only `spec` and `metadata`, never `status`: a tenant is cluster-admin of
 * its logical cluster and may write `/status`, so status must not be able to make anything
 * cheaper. Ownership never makes an object free either (ownerReferences are the tenant's to
 * write); upstream runs no workload controllers — a Deployment becomes ReplicaSets and Pods
 * only in the physical cluster — so nothing is counted twice.
 */

/** A dot-free path of object keys. */
export type FieldPath = readonly string[];

/** How many pods an object keeps running. */
export type PodCountRule =
  /** Exactly one (a Pod). */
  | { readonly from: 'one' }
  /** A replica field (`spec.replicas`), with Kubernetes' default when unset; scalable by `/scale` and autoscalers. */
  | { readonly from: 'replicas'; readonly path: FieldPath; readonly default: bigint }
  /** One per node of the cluster's region (the price book's `daemonset-nodes` setting). */
  | { readonly from: 'nodes' }
  /** A Job's pods at once: min(parallelism (default 1), completions when set). */
  | { readonly from: 'job'; readonly parallelism: FieldPath; readonly completions: FieldPath };

export type KindPricing =
  | {
      readonly model: 'pods';
      /** Where the pod spec is. */
      readonly podSpec: FieldPath;
      readonly pods: PodCountRule;
      /** `true` here stops every pod (`spec.suspend` of Jobs and CronJobs). */
      readonly suspend?: FieldPath;
      /** PersistentVolumeClaim templates, one claim per pod each (StatefulSet). */
      readonly claimTemplates?: FieldPath;
      readonly summary: string;
    }
  | { readonly model: 'claim'; readonly summary: string }
  | { readonly model: 'autoscaler'; readonly summary: string }
  | { readonly model: 'object'; readonly summary: string };

const SPEC_TEMPLATE = ['spec', 'template', 'spec'];
const replicas = { from: 'replicas', path: ['spec', 'replicas'], default: 1n } as const;

/** Keyed `<group>/<Kind>` ("" group for core). */
export const KIND_PRICING: Readonly<Record<string, KindPricing>> = {
  '/Pod': {
    model: 'pods',
    podSpec: ['spec'],
    pods: { from: 'one' },
    summary: 'its effective pod request (largest of app containers + sidecars and each init container, plus overhead), whatever its phase',
  },
  'apps/Deployment': { model: 'pods', podSpec: SPEC_TEMPLATE, pods: replicas, summary: 'pod template × spec.replicas (default 1), paused or not' },
  'apps/ReplicaSet': { model: 'pods', podSpec: SPEC_TEMPLATE, pods: replicas, summary: 'pod template × spec.replicas (default 1), whoever owns it' },
  '/ReplicationController': { model: 'pods', podSpec: SPEC_TEMPLATE, pods: replicas, summary: 'pod template × spec.replicas (default 1)' },
  'apps/StatefulSet': {
    model: 'pods',
    podSpec: SPEC_TEMPLATE,
    pods: replicas,
    claimTemplates: ['spec', 'volumeClaimTemplates'],
    summary: 'pod template × spec.replicas (default 1), plus each volumeClaimTemplate × spec.replicas as storage',
  },
  'apps/DaemonSet': {
    model: 'pods',
    podSpec: SPEC_TEMPLATE,
    pods: { from: 'nodes' },
    summary: "pod template × the nodes of the cluster's region (price book setting daemonset-nodes), whatever its node selector",
  },
  'batch/Job': {
    model: 'pods',
    podSpec: SPEC_TEMPLATE,
    pods: { from: 'job', parallelism: ['spec', 'parallelism'], completions: ['spec', 'completions'] },
    suspend: ['spec', 'suspend'],
    summary: 'pod template × min(spec.parallelism (default 1), spec.completions) until it is deleted (set ttlSecondsAfterFinished); nothing while suspended',
  },
  'batch/CronJob': {
    model: 'pods',
    podSpec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    pods: { from: 'job', parallelism: ['spec', 'jobTemplate', 'spec', 'parallelism'], completions: ['spec', 'jobTemplate', 'spec', 'completions'] },
    suspend: ['spec', 'suspend'],
    summary: 'one run of its job template at all times (its pods × min(parallelism, completions)); nothing while suspended',
  },
  'autoscaling/HorizontalPodAutoscaler': {
    model: 'autoscaler',
    summary:
      "reserves its scale target's room to grow: the target's pods and claims at spec.maxReplicas minus at its current replicas (0 when the target is missing)",
  },
  '/PersistentVolumeClaim': { model: 'claim', summary: 'spec.resources.requests.storage (required)' },
  '/Service': { model: 'object', summary: 'per-object rules by spec.type (default ClusterIP)' },
  'networking.k8s.io/Ingress': { model: 'object', summary: 'per-object rules' },
};

export function kindPricing(group: string, kind: string): KindPricing | undefined {
  return KIND_PRICING[`${group}/${kind}`];
}

/** Kinds an autoscaler can scale by their replica field: the `pods` rows counted by `replicas`. */
export function isScalableKind(group: string, kind: string): boolean {
  const row = kindPricing(group, kind);
  return row?.model === 'pods' && row.pods.from === 'replicas';
}
