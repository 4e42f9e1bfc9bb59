import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyLimitRangeDefaults } from './limit-range.js';
import { DEFAULT_PRICE_RULES, type PriceRule, priceBookAt, priceBookOf } from './price-book.js';
import { describeObject, type PricingContext, PricingError, podRequests, priceDelta, priceObject, scaleSignature, scaleTargetOf } from './price-object.js';
import { KIND_PRICING } from './pricing-table.js';

// The platform's built-in settings: floor 100m CPU / 128Mi memory, DaemonSets on 3 nodes.
const book = priceBookOf(DEFAULT_PRICE_RULES, { 'eu-premium': 1_250_000n, free: 0n });
// No floor: the arithmetic of requests and rounding on its own.
const bare = priceBookOf(DEFAULT_PRICE_RULES, { 'eu-premium': 1_250_000n, free: 0n }, { floorCpuMillis: 0n, floorMemoryBytes: 0n, daemonSetNodes: 1n });

const CPU = 23_076_030n; // per vCPU-month
const GIB_RAM = 3_093_010n; // per GiB-month
const GIB_DISK = 40_000n;
const GI = 1n << 30n;
const MI = 1n << 20n;

/** The exact price of these quantities under the default rules, rounded once half up (independent of priceObject). */
function expected(q: { cpuMillis: bigint; memoryBytes: bigint; storageBytes?: bigint; objectMicros?: bigint }): bigint {
  const denominator = 1000n * GI;
  const exact = q.cpuMillis * CPU * GI + q.memoryBytes * GIB_RAM * 1000n + (q.storageBytes ?? 0n) * GIB_DISK * 1000n;
  return (2n * exact + denominator) / (2n * denominator) + (q.objectMicros ?? 0n);
}

const container = (cpu?: string, memory?: string, extra: Record<string, unknown> = {}) => ({
  name: 'c',
  image: 'nginx',
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
  ...extra,
});
const podSpec = (containers: unknown[], initContainers?: unknown[]) => ({ containers, ...(initContainers ? { initContainers } : {}) });
const pod = (spec: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec,
  ...extra,
});
const workload = (kind: string, apiVersion: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion,
  kind,
  metadata: { name: 'w', namespace: 'default' },
  spec,
  ...extra,
});
const template = (cpu: string, memory: string) => ({ template: { spec: podSpec([container(cpu, memory)]) } });
const service = (type?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: type ? { type } : {} });
const pvc = (storage: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default', ...extra },
  spec: { resources: { requests: { storage } } },
});
const owned = (apiVersion: string, kind: string, controller = true) => ({ ownerReferences: [{ apiVersion, kind, name: 'o', uid: 'u', controller }] });
const limitRange = (item: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'lr' },
  spec: { limits: [{ type: 'Container', ...item }] },
});
const hpa = (maxReplicas: number, target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'w' }) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'w', namespace: 'default' },
  spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas },
});

/**
 * The ways a pod spec can leave requests out, each with the requests one pod is priced at
 * (floor 100m / 128Mi). `limitRanges` are the namespace's when the object is admitted:
 * their defaults are written into the stored object first, as admission does.
 */
const podVariants: { name: string; spec: Record<string, unknown>; limitRanges?: unknown[]; cpuMillis: bigint; memoryBytes: bigint }[] = [
  { name: 'explicit requests', spec: podSpec([container('500m', '512Mi')]), cpuMillis: 500n, memoryBytes: 512n * MI },
  { name: 'requests absent', spec: podSpec([{ name: 'c', image: 'x' }]), cpuMillis: 100n, memoryBytes: 128n * MI },
  { name: 'resources: {}', spec: podSpec([{ name: 'c', resources: {} }]), cpuMillis: 100n, memoryBytes: 128n * MI },
  { name: 'limits only', spec: podSpec([{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }]), cpuMillis: 1000n, memoryBytes: GI },
  {
    name: 'limits only, below the floor',
    spec: podSpec([{ name: 'c', resources: { limits: { cpu: '10m', memory: '16Mi' } } }]),
    cpuMillis: 100n,
    memoryBytes: 128n * MI,
  },
  { name: 'requests of zero', spec: podSpec([container('0', '0')]), cpuMillis: 100n, memoryBytes: 128n * MI },
  {
    name: 'requests of zero, limits set',
    spec: podSpec([{ name: 'c', resources: { requests: { cpu: '0' }, limits: { cpu: '2' } } }]),
    cpuMillis: 100n,
    memoryBytes: 128n * MI,
  },
  { name: 'requests below the floor', spec: podSpec([container('1m', '1Mi')]), cpuMillis: 100n, memoryBytes: 128n * MI },
  { name: 'CPU only', spec: podSpec([container('2')]), cpuMillis: 2000n, memoryBytes: 128n * MI },
  {
    name: 'LimitRange present, above the floor',
    spec: podSpec([{ name: 'c' }]),
    limitRanges: [limitRange({ defaultRequest: { cpu: '250m', memory: '256Mi' } })],
    cpuMillis: 250n,
    memoryBytes: 256n * MI,
  },
  { name: 'LimitRange deleted', spec: podSpec([{ name: 'c' }]), limitRanges: [], cpuMillis: 100n, memoryBytes: 128n * MI },
  {
    name: 'LimitRange lower than the floor',
    spec: podSpec([{ name: 'c' }]),
    limitRanges: [limitRange({ defaultRequest: { cpu: '1m', memory: '1Mi' } })],
    cpuMillis: 100n,
    memoryBytes: 128n * MI,
  },
  {
    name: 'LimitRange default limits only (request = limit)',
    spec: podSpec([{ name: 'c' }]),
    limitRanges: [limitRange({ default: { cpu: '2', memory: '2Gi' } })],
    cpuMillis: 2000n,
    memoryBytes: 2n * GI,
  },
  {
    name: 'LimitRange does not override explicit requests',
    spec: podSpec([container('300m', '300Mi')]),
    limitRanges: [limitRange({ defaultRequest: { cpu: '1', memory: '1Gi' } })],
    cpuMillis: 300n,
    memoryBytes: 300n * MI,
  },
  { name: 'two containers without requests', spec: podSpec([{ name: 'a' }, { name: 'b' }]), cpuMillis: 200n, memoryBytes: 256n * MI },
  // app 200m / 256Mi; init 1 CPU / 64Mi (raised to 128Mi): max per resource
  { name: 'init container larger', spec: podSpec([container('200m', '256Mi')], [container('1', '64Mi')]), cpuMillis: 1000n, memoryBytes: 256n * MI },
  { name: 'init container without requests', spec: podSpec([{ name: 'a' }], [{ name: 'i' }]), cpuMillis: 100n, memoryBytes: 128n * MI },
  {
    // apps 300m + sidecar 100m = 400m; sidecar + regular init 500m = 600m. Memory: all at the floor, sidecar + app = 256Mi.
    name: 'sidecar and init containers',
    spec: podSpec([container('300m')], [container('100m', undefined, { restartPolicy: 'Always' }), container('500m')]),
    cpuMillis: 600n,
    memoryBytes: 256n * MI,
  },
  {
    name: 'pod overhead',
    spec: { ...podSpec([container('500m', '512Mi')]), overhead: { cpu: '250m', memory: '64Mi' } },
    cpuMillis: 750n,
    memoryBytes: 576n * MI,
  },
  {
    name: 'overhead on containers without requests',
    spec: { ...podSpec([{ name: 'c' }]), overhead: { cpu: '50m', memory: '32Mi' } },
    cpuMillis: 150n,
    memoryBytes: 160n * MI,
  },
  {
    name: 'pod-level requests',
    spec: { ...podSpec([{ name: 'c' }]), resources: { requests: { cpu: '2', memory: '4Gi' } } },
    cpuMillis: 2000n,
    memoryBytes: 4n * GI,
  },
];

/** Every kind that runs pods, with the pods (and storage) its spec asks for. */
const podKinds: {
  name: string;
  make: (spec: Record<string, unknown>) => Record<string, unknown>;
  pods: bigint;
  claimBytes?: bigint;
  context?: PricingContext;
}[] = [
  { name: 'Pod', make: (spec) => pod(spec), pods: 1n },
  { name: 'Pod that has Succeeded (status is not priced)', make: (spec) => pod(spec, { status: { phase: 'Succeeded' } }), pods: 1n },
  { name: 'Pod with a forged controller owner', make: (spec) => ({ ...pod(spec), metadata: { name: 'p', ...owned('apps/v1', 'ReplicaSet') } }), pods: 1n },
  { name: 'Deployment × 3', make: (spec) => workload('Deployment', 'apps/v1', { replicas: 3, template: { spec } }), pods: 3n },
  { name: 'Deployment, replicas unset', make: (spec) => workload('Deployment', 'apps/v1', { template: { spec } }), pods: 1n },
  { name: 'paused Deployment × 2', make: (spec) => workload('Deployment', 'apps/v1', { replicas: 2, paused: true, template: { spec } }), pods: 2n },
  {
    name: 'ReplicaSet × 2 owned by a Deployment',
    make: (spec) => ({
      ...workload('ReplicaSet', 'apps/v1', { replicas: 2, template: { spec } }),
      metadata: { name: 'rs', ...owned('apps/v1', 'Deployment') },
    }),
    pods: 2n,
  },
  { name: 'ReplicationController × 2', make: (spec) => workload('ReplicationController', 'v1', { replicas: 2, template: { spec } }), pods: 2n },
  {
    name: 'StatefulSet × 3 with a 10Gi claim template',
    make: (spec) =>
      workload('StatefulSet', 'apps/v1', {
        replicas: 3,
        template: { spec },
        volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: '10Gi' } } } }],
      }),
    pods: 3n,
    claimBytes: 30n * GI,
  },
  { name: 'DaemonSet (3 nodes by default)', make: (spec) => workload('DaemonSet', 'apps/v1', { template: { spec } }), pods: 3n },
  {
    name: 'DaemonSet in a region with 10 nodes',
    make: (spec) => workload('DaemonSet', 'apps/v1', { template: { spec } }),
    pods: 10n,
    context: { region: 'big' },
  },
  { name: 'Job, parallelism unset', make: (spec) => workload('Job', 'batch/v1', { template: { spec } }), pods: 1n },
  { name: 'Job, parallelism 4, completions 2', make: (spec) => workload('Job', 'batch/v1', { parallelism: 4, completions: 2, template: { spec } }), pods: 2n },
  {
    name: 'Job marked Complete in status (status is not priced)',
    make: (spec) =>
      workload('Job', 'batch/v1', { parallelism: 2, template: { spec } }, { status: { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 2 } }),
    pods: 2n,
  },
  { name: 'suspended Job', make: (spec) => workload('Job', 'batch/v1', { suspend: true, template: { spec } }), pods: 0n },
  {
    name: 'CronJob, one run of parallelism 3',
    make: (spec) => workload('CronJob', 'batch/v1', { schedule: '* * * * *', jobTemplate: { spec: { parallelism: 3, template: { spec } } } }),
    pods: 3n,
  },
  {
    name: 'suspended CronJob',
    make: (spec) => workload('CronJob', 'batch/v1', { schedule: '@daily', suspend: true, jobTemplate: { spec: { template: { spec } } } }),
    pods: 0n,
  },
  {
    name: 'HorizontalPodAutoscaler to 10 of a Deployment × 3',
    make: () => hpa(10),
    pods: 7n,
  },
];

const dsBook = priceBookAt(
  [
    ...DEFAULT_PRICE_RULES.map((rule) => ({ type: 'rule' as const, orgId: null, effectiveFrom: new Date(0), rule })),
    { type: 'setting', orgId: null, effectiveFrom: new Date(0), setting: 'daemonset-nodes', region: 'big', value: 10n },
  ],
  null,
  new Date(0),
);

/** The stored form: LimitRange defaults filled into the object's pod spec, as admission writes it. */
function admitted(object: Record<string, unknown>, limitRanges: unknown[] | undefined): Record<string, unknown> {
  const stored = structuredClone(object);
  const row = KIND_PRICING[`${String(stored.apiVersion).includes('/') ? String(stored.apiVersion).split('/')[0] : ''}/${String(stored.kind)}`];
  if (row?.model === 'pods' && limitRanges) {
    let spec: unknown = stored;
    for (const key of row.podSpec) spec = (spec as Record<string, unknown>)[key];
    applyLimitRangeDefaults(spec, limitRanges);
  }
  return stored;
}

describe('priceObject: every kind that runs pods × every way of leaving requests out', () => {
  const cases = podKinds.flatMap((k) => podVariants.map((v) => [`${k.name} — ${v.name}`, k, v] as const));
  it.each(cases)('%s', (_name, k, v) => {
    const object = admitted(k.make(structuredClone(v.spec)), v.limitRanges);
    // An autoscaler's target is the Deployment × 3 of this pod spec.
    const target = admitted(workload('Deployment', 'apps/v1', { replicas: 3, template: { spec: structuredClone(v.spec) } }), v.limitRanges);
    const context: PricingContext = { ...k.context, ...(object.kind === 'HorizontalPodAutoscaler' ? { scaleTarget: target } : {}) };
    const price = priceObject(object, dsBook, context);
    expect(price.priceMicros).toBe(expected({ cpuMillis: v.cpuMillis * k.pods, memoryBytes: v.memoryBytes * k.pods, storageBytes: k.claimBytes ?? 0n }));
    expect(price.lines.reduce((sum, line) => sum + line.priceMicros, 0n)).toBe(price.priceMicros);
  });
});

describe('priceObject: other kinds and rules', () => {
  const cases: [string, unknown, bigint, PricingContext?][] = [
    ['absent object', null, 0n],
    ['LoadBalancer Service', service('LoadBalancer'), 1_000_000n],
    ['ClusterIP Service', service('ClusterIP'), 1_000n],
    ['Service without a type (defaults to ClusterIP)', service(), 1_000n],
    ['NodePort Service', service('NodePort'), 1_000n],
    ['ExternalName Service', service('ExternalName'), 1_000n],
    ['Ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } }, 10_000n],
    ['Ingress in a different group is not matched', { apiVersion: 'example.com/v1', kind: 'Ingress', metadata: { name: 'i' } }, 0n],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, 0n],
    ['custom resource without a rule', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 0n],
    ['Deployment in another group is not a workload', workload('Deployment', 'example.com/v1', { replicas: 3, ...template('1', '1Gi') }), 0n],
    ['Deployment scaled to 0', workload('Deployment', 'apps/v1', { replicas: 0, ...template('500m', '512Mi') }), 0n],
    ['PVC 10Gi', pvc('10Gi'), 10n * GIB_DISK],
    ['PVC 1.5Gi', pvc('1.5Gi'), 60_000n],
    ['PVC 1 byte rounds to nothing', pvc('1'), 0n],
    ['PVC owned by a StatefulSet is still priced', pvc('10Gi', owned('apps/v1', 'StatefulSet')), 10n * GIB_DISK],
    [
      'generic ephemeral volume: a claim per pod',
      workload('Deployment', 'apps/v1', {
        replicas: 2,
        template: {
          spec: {
            ...podSpec([container('1', '1Gi')]),
            volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '5Gi' } } } } } }],
          },
        },
      }),
      expected({ cpuMillis: 2000n, memoryBytes: 2n * GI, storageBytes: 10n * GI }),
    ],
    ['HPA whose target is missing reserves nothing', hpa(10), 0n, { scaleTarget: null }],
    [
      'HPA whose maxReplicas is below the replicas reserves nothing',
      hpa(2),
      0n,
      { scaleTarget: workload('Deployment', 'apps/v1', { replicas: 5, ...template('1', '1Gi') }) },
    ],
    [
      'HPA of a StatefulSet reserves its claims too',
      hpa(4, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'w' }),
      expected({ cpuMillis: 3000n, memoryBytes: 3n * GI, storageBytes: 3n * GI }),
      {
        scaleTarget: workload('StatefulSet', 'apps/v1', {
          replicas: 1,
          ...template('1', '1Gi'),
          volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '1Gi' } } } }],
        }),
      },
    ],
    [
      'HPA of a kind it cannot price by replicas',
      hpa(10, { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }),
      0n,
      { scaleTarget: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: 1 } } },
    ],
    ['region multiplier ×1.25', service('LoadBalancer'), 1_250_000n, { region: 'eu-premium' }],
    ['region multiplier ×0', service('LoadBalancer'), 0n, { region: 'free' }],
    ['unknown region is ×1', service('LoadBalancer'), 1_000_000n, { region: 'nowhere' }],
    ['region multiplier on resources', pod(podSpec([container('1', '1Gi')])), ((CPU + GIB_RAM) * 5n) / 4n, { region: 'eu-premium' }],
  ];

  it.each(cases)('%s', (_name, object, price, context) => {
    const result = priceObject(object, book, context);
    expect(result.priceMicros).toBe(price);
    expect(result.lines.reduce((sum, line) => sum + line.priceMicros, 0n)).toBe(result.priceMicros);
  });
});

describe('priceObject: request arithmetic without a floor', () => {
  const cases: [string, unknown, bigint][] = [
    ['Pod 100m', pod(podSpec([container('100m')])), 2_307_603n],
    ['Pod 1m rounds half up once', pod(podSpec([container('1m')])), 23_076n], // 23076.03
    ['Pod 1.5m CPU is priced as 2m', pod(podSpec([container('1.5m')])), 46_152n], // 46152.06
    ['Pod with no requests costs nothing', pod(podSpec([{ name: 'c', image: 'x' }])), 0n],
    ['numeric quantities are accepted', pod(podSpec([{ name: 'c', resources: { requests: { cpu: 2 } } }])), 2n * CPU],
    ['max of init containers, not their sum', pod(podSpec([container('100m')], [container('500m'), container('500m')])), CPU / 2n],
    [
      'sidecar after a regular init container does not add to it',
      pod(podSpec([container('300m')], [container('500m'), container('100m', undefined, { restartPolicy: 'Always' })])),
      CPU / 2n,
    ],
  ];
  it.each(cases)('%s', (_name, object, price) => {
    expect(priceObject(object, bare).priceMicros).toBe(price);
  });
});

describe('priceObject: notes', () => {
  it('says when a custom resource has no price rule', () => {
    expect(priceObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, book).notes).toEqual([
      'no price rule for example.com/Widget: free',
    ]);
    const priced = priceBookOf([{ key: 'widget', description: 'Widget', unit: 'object', priceMicros: 5n, apiGroup: 'example.com', kind: 'Widget' }]);
    expect(priceObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, priced)).toMatchObject({ priceMicros: 5n, notes: [] });
  });

  it('says what an autoscaler reserves, or why it reserves nothing', () => {
    const target = workload('Deployment', 'apps/v1', { replicas: 2, ...template('1', '1Gi') });
    expect(priceObject(hpa(5), book, { scaleTarget: target }).notes).toEqual(['reserves Deployment/w from 2 to 5 replicas']);
    expect(priceObject(hpa(5), book, {}).notes).toEqual(['scale target Deployment/w does not exist: reserves nothing until it does']);
  });

  it('says when a workload runs no pods', () => {
    expect(priceObject(workload('Job', 'batch/v1', { suspend: true, ...template('1', '1Gi') }), book).notes).toEqual(['Job runs no pods as specified']);
  });
});

describe('scaleSignature and scaleTargetOf', () => {
  const deployment = (replicas: number, cpu = '1') => workload('Deployment', 'apps/v1', { replicas, ...template(cpu, '1Gi') });
  it('changes exactly when an autoscaler of the object would be priced differently', () => {
    expect(scaleSignature(deployment(2), book)).toBe(scaleSignature({ ...deployment(2), metadata: { name: 'w', labels: { a: 'b' } } }, book));
    expect(scaleSignature(deployment(2), book)).not.toBe(scaleSignature(deployment(3), book));
    expect(scaleSignature(deployment(2), book)).not.toBe(scaleSignature(deployment(2, '2'), book));
    // At 0 replicas the price is 0 either way, but what an autoscaler would reserve is not.
    expect(scaleSignature(deployment(0), book)).not.toBe(scaleSignature(deployment(0, '2'), book));
    expect(scaleSignature(service('LoadBalancer'), book)).toBeUndefined();
    expect(scaleSignature(workload('DaemonSet', 'apps/v1', template('1', '1Gi')), book)).toBeUndefined();
  });

  it('reads an autoscaler’s target', () => {
    expect(scaleTargetOf(hpa(3))).toEqual({ group: 'apps', kind: 'Deployment', name: 'w' });
    expect(scaleTargetOf(hpa(3, { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc' }))).toEqual({
      group: '',
      kind: 'ReplicationController',
      name: 'rc',
    });
    expect(scaleTargetOf(deployment(1))).toBeUndefined();
    expect(scaleTargetOf({ ...hpa(3), spec: { maxReplicas: 3 } })).toBeUndefined();
  });
});

describe('priceObject: lines', () => {
  it('names the rules and quantities in base measures', () => {
    const deployment = workload('Deployment', 'apps/v1', { replicas: 3, ...template('500m', '512Mi') });
    expect(priceObject(deployment, book).lines).toEqual([
      { ruleKey: 'cpu', description: 'CPU requests', unit: 'vcpu-month', quantity: 1500n, priceMicros: (3n * CPU) / 2n },
      { ruleKey: 'memory', description: 'Memory requests', unit: 'memory-gib-month', quantity: 3n * 512n * (1n << 20n), priceMicros: (3n * GIB_RAM) / 2n },
    ]);
    expect(priceObject(service('LoadBalancer'), book).lines).toEqual([
      { ruleKey: 'service-load-balancer', description: 'Service of type LoadBalancer', unit: 'object', quantity: 1n, priceMicros: 1_000_000n },
    ]);
  });

  it('rounds once per object and hands the left-over micro-dollar to the largest remainder', () => {
    // 0.5 µ$ of CPU and 0.5 µ$ of memory: rounding each would give 2 (or 0); the object costs exactly 1.
    const tiny = priceBookOf([
      { key: 'cpu', description: 'cpu', unit: 'vcpu-month', priceMicros: 1n },
      { key: 'memory', description: 'memory', unit: 'memory-gib-month', priceMicros: 1n },
    ]);
    const price = priceObject(pod(podSpec([container('500m', '512Mi')])), tiny);
    expect(price.priceMicros).toBe(1n);
    expect(price.lines.map((line) => line.priceMicros)).toEqual([1n, 0n]);
    const larger = priceObject(pod(podSpec([container('400m', '700Mi')])), tiny); // 0.4 + 0.68359375
    expect(larger.lines.map((line) => line.priceMicros)).toEqual([0n, 1n]);
  });

  it('adds every matching rule: object fees on workloads, storage classes by condition', () => {
    const custom = priceBookOf([
      ...DEFAULT_PRICE_RULES,
      { key: 'deployment-fee', description: 'Deployment', unit: 'object', priceMicros: 7n, apiGroup: 'apps', kind: 'Deployment' },
      {
        key: 'fast-ssd',
        description: 'fast-ssd surcharge',
        unit: 'storage-gib-month',
        priceMicros: 100_000n,
        kind: 'PersistentVolumeClaim',
        conditions: [{ path: 'spec.storageClassName', op: 'in', values: ['fast-ssd'] }],
      },
      {
        key: 'tier-label',
        description: 'labelled',
        unit: 'object',
        priceMicros: 3n,
        kind: 'ConfigMap',
        conditions: [{ path: ['metadata', 'labels', 'app.kubernetes.io/tier'], op: 'exists' }],
      },
      {
        key: 'no-label',
        description: 'unlabelled',
        unit: 'object',
        priceMicros: 5n,
        kind: 'ConfigMap',
        conditions: [{ path: ['metadata', 'labels', 'app.kubernetes.io/tier'], op: 'notExists' }],
      },
    ]);
    expect(priceObject(workload('Deployment', 'apps/v1', { replicas: 0, ...template('1', '1Gi') }), custom).priceMicros).toBe(7n);
    const fast = { ...pvc('1Gi'), spec: { storageClassName: 'fast-ssd', resources: { requests: { storage: '1Gi' } } } };
    expect(priceObject(fast, custom).priceMicros).toBe(140_000n);
    expect(priceObject(pvc('1Gi'), custom).priceMicros).toBe(40_000n);
    const configMap = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels } });
    expect(priceObject(configMap({ 'app.kubernetes.io/tier': 'web' }), custom).priceMicros).toBe(3n);
    expect(priceObject(configMap({}), custom).priceMicros).toBe(5n);
  });

  it('prices a logical cluster with cluster-month rules by template', () => {
    const clusterBook = priceBookOf([
      { key: 'cluster-base', description: 'Logical cluster', unit: 'cluster-month', priceMicros: 100_000n },
      {
        key: 'cluster-prod',
        description: 'Production template',
        unit: 'cluster-month',
        priceMicros: 2_000_000n,
        conditions: [{ path: 'spec.template', op: 'equals', value: 'prod' }],
      },
    ]);
    const cluster = (templateName: string) => ({
      apiVersion: 'tenancy.atrium.dev/v1alpha1',
      kind: 'LogicalCluster',
      metadata: { name: 'c' },
      spec: { template: templateName },
    });
    expect(priceObject(cluster('dev'), clusterBook).priceMicros).toBe(100_000n);
    expect(priceObject(cluster('prod'), clusterBook).priceMicros).toBe(2_100_000n);
    expect(priceObject(service('LoadBalancer'), clusterBook).priceMicros).toBe(0n);
  });
});

describe('priceObject: malformed input', () => {
  it.each([
    ['not an object', 'Service'],
    ['an array', []],
    ['no kind', { apiVersion: 'v1', metadata: {} }],
    ['empty kind', { apiVersion: 'v1', kind: '' }],
    ['negative replicas', workload('Deployment', 'apps/v1', { replicas: -1, ...template('1', '1Gi') })],
    ['fractional replicas', workload('Deployment', 'apps/v1', { replicas: 1.5, ...template('1', '1Gi') })],
    ['replicas as a string', workload('Deployment', 'apps/v1', { replicas: '3', ...template('1', '1Gi') })],
    ['bad CPU quantity', pod(podSpec([container('lots')]))],
    ['negative CPU', pod(podSpec([container('-1')]))],
    ['bad memory limit', pod(podSpec([{ name: 'c', resources: { limits: { memory: '1GB' } } }]))],
    ['quantity as an object', pod(podSpec([{ name: 'c', resources: { requests: { cpu: { value: 1 } } } }]))],
    ['bad storage', pvc('ten gigs')],
    ['bad overhead', pod({ ...podSpec([]), overhead: { cpu: 'x' } })],
  ])('%s → PricingError', (_name, object) => {
    expect(() => priceObject(object, book)).toThrow(PricingError);
  });

  it('names the field', () => {
    expect(() => priceObject(pod(podSpec([container('1'), container('lots')])), book)).toThrow(/spec\.containers\[1\]\.resources\.requests\.cpu/);
    expect(() => priceObject(workload('Deployment', 'apps/v1', template('x', '1Gi')), book)).toThrow(/spec\.template\.spec\.containers\[0\]/);
  });

  it('tolerates odd but harmless shapes', () => {
    expect(priceObject(pod({ containers: 'nope' }), book).priceMicros).toBe(0n);
    expect(priceObject(pod(null), book).priceMicros).toBe(0n);
    expect(priceObject({ kind: 'Pod' }, book).priceMicros).toBe(0n);
    expect(priceObject(workload('Deployment', 'apps/v1', { replicas: null, ...template('1', '1Gi') }), book).priceMicros).toBe(CPU + GIB_RAM);
  });
});

describe('priceDelta: table', () => {
  const deployment = (replicas: number) => workload('Deployment', 'apps/v1', { replicas, ...template('1', '1Gi') });
  it.each([
    ['create a LoadBalancer', null, service('LoadBalancer'), 1_000_000n],
    ['delete a LoadBalancer', service('LoadBalancer'), null, -1_000_000n],
    ['ClusterIP → LoadBalancer', service('ClusterIP'), service('LoadBalancer'), 999_000n],
    ['LoadBalancer → NodePort', service('LoadBalancer'), service('NodePort'), -999_000n],
    ['scale 1 → 3', deployment(1), deployment(3), 2n * (CPU + GIB_RAM)],
    ['scale 3 → 0', deployment(3), deployment(0), -3n * (CPU + GIB_RAM)],
    ['no-op update', deployment(2), deployment(2), 0n],
    ['nothing to nothing', null, null, 0n],
    [
      'a status write saying the Job completed changes nothing',
      workload('Job', 'batch/v1', template('1', '1Gi')),
      workload('Job', 'batch/v1', template('1', '1Gi'), { status: { conditions: [{ type: 'Complete', status: 'True' }] } }),
      0n,
    ],
    [
      'suspending a Job releases its pods',
      workload('Job', 'batch/v1', template('1', '1Gi')),
      workload('Job', 'batch/v1', { suspend: true, ...template('1', '1Gi') }),
      -(CPU + GIB_RAM),
    ],
  ])('%s', (_name, oldObject, newObject, delta) => {
    const result = priceDelta(oldObject, newObject, book);
    expect(result.deltaMicros).toBe(delta);
    expect(result.oldPriceMicros + result.deltaMicros).toBe(result.newPriceMicros);
  });

  it('a namespace deletion cascade is the sum of its objects’ deletes', () => {
    const objects = [service('LoadBalancer'), service('ClusterIP'), deployment(2), pvc('10Gi')];
    const total = objects.reduce((sum, object) => sum + priceDelta(object, null, book).deltaMicros, 0n);
    expect(total).toBe(-(1_000_000n + 1_000n + 2n * (CPU + GIB_RAM) + 10n * GIB_DISK));
  });
});

describe('describeObject', () => {
  it.each([
    [service('LoadBalancer'), 'Service default/web (LoadBalancer)'],
    [service(), 'Service default/web (ClusterIP)'],
    [workload('Deployment', 'apps/v1', {}), 'Deployment default/w'],
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, 'Namespace shop'],
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'job-', namespace: 'x' } }, 'Pod x/job-*'],
    [{}, 'Object (unnamed)'],
  ])('%j → %s', (object, text) => {
    expect(describeObject(object)).toBe(text);
  });
});

describe('priceObject: properties', () => {
  const cpuText = fc.oneof(
    fc.integer({ min: 0, max: 64_000 }).map((m) => `${m}m`),
    fc.integer({ min: 0, max: 64 }).map(String),
  );
  const memoryText = fc.oneof(
    fc.integer({ min: 0, max: 65_536 }).map((m) => `${m}Mi`),
    fc.integer({ min: 0, max: 10 ** 11 }).map(String),
  );
  const containerArb = fc
    .record({ cpu: fc.option(cpuText, { nil: undefined }), memory: fc.option(memoryText, { nil: undefined }) })
    .map(({ cpu, memory }) => container(cpu, memory));
  const podSpecArb = fc.record({ containers: fc.array(containerArb, { maxLength: 4 }), initContainers: fc.array(containerArb, { maxLength: 3 }) });
  const objectArb = fc.oneof(
    podSpecArb.map((spec) => pod(spec)),
    fc.tuple(fc.integer({ min: 0, max: 50 }), podSpecArb).map(([replicas, spec]) => workload('Deployment', 'apps/v1', { replicas, template: { spec } })),
    fc.constantFrom('LoadBalancer', 'ClusterIP', 'NodePort', undefined).map(service),
    fc.integer({ min: 0, max: 100_000 }).map((g) => pvc(`${g}Gi`)),
    fc.constant(null),
  );
  const regionArb = fc.constantFrom(undefined, 'eu-premium', 'free');

  it('lines always add up to the total, and no price is negative', () => {
    fc.assert(
      fc.property(objectArb, regionArb, (object, region) => {
        const price = priceObject(object, book, region ? { region } : {});
        expect(price.priceMicros >= 0n).toBe(true);
        for (const line of price.lines) expect(line.priceMicros >= 0n).toBe(true);
        expect(price.lines.reduce((sum, line) => sum + line.priceMicros, 0n)).toBe(price.priceMicros);
      }),
    );
  });

  it('delta(old, new) + price(old) = price(new)', () => {
    fc.assert(
      fc.property(objectArb, objectArb, (oldObject, newObject) => {
        const { deltaMicros } = priceDelta(oldObject, newObject, book);
        expect(priceObject(oldObject, book).priceMicros + deltaMicros).toBe(priceObject(newObject, book).priceMicros);
      }),
    );
  });

  it('a Deployment costs its replica count times the exact pod cost, rounded once', () => {
    fc.assert(
      fc.property(podSpecArb, fc.integer({ min: 0, max: 1000 }), (spec, replicas) => {
        const requests = podRequests(spec, book.requestFloor);
        // exact µ$ × 1000 × 2^30: cpu-millis × price × 2^30 + bytes × price × 1000
        const exactPerPod = requests.cpuMillis * CPU * GI + requests.memoryBytes * GIB_RAM * 1000n;
        const denominator = 1000n * GI;
        const expected = (2n * BigInt(replicas) * exactPerPod + denominator) / (2n * denominator);
        expect(priceObject(workload('Deployment', 'apps/v1', { replicas, template: { spec } }), book).priceMicros).toBe(expected);
      }),
    );
  });

  it('more replicas never cost less', () => {
    fc.assert(
      fc.property(podSpecArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (spec, a, b) => {
        const price = (replicas: number) => priceObject(workload('StatefulSet', 'apps/v1', { replicas, template: { spec } }), book).priceMicros;
        expect(a <= b ? price(a) <= price(b) : price(a) >= price(b)).toBe(true);
      }),
    );
  });

  it('the effective pod request is max(max(init), sum(app)) without sidecars', () => {
    fc.assert(
      fc.property(podSpecArb, (spec) => {
        const appSum = spec.containers.reduce((sum, c) => sum + podRequests({ containers: [c] }).cpuMillis, 0n);
        // BigInt has no Math.max: sort descending and take the first.
        const largest = (values: bigint[]) => values.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))[0] ?? 0n;
        const initMax = largest(spec.initContainers.map((c) => podRequests({ containers: [c] }).cpuMillis));
        expect(podRequests(spec).cpuMillis).toBe(largest([appSum, initMax]));
      }),
    );
  });
});

describe('rules are evaluated in key order', () => {
  it('does not depend on the order the rules were given in', () => {
    const rules: PriceRule[] = [...DEFAULT_PRICE_RULES];
    const forward = priceBookOf(rules);
    const backward = priceBookOf([...rules].reverse());
    const deployment = workload('StatefulSet', 'apps/v1', {
      replicas: 7,
      ...template('333m', '777Mi'),
      volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '3Gi' } } } }],
    });
    expect(priceObject(deployment, backward)).toEqual(priceObject(deployment, forward));
  });
});
