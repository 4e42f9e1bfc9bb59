import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_RULES, type PriceRule, priceBookOf } from './price-book.js';
import { describeObject, type PricingContext, PricingError, podRequests, priceDelta, priceObject } from './price-object.js';

const book = priceBookOf(DEFAULT_PRICE_RULES, { 'eu-premium': 1_250_000n, free: 0n });

const CPU = 23_076_030n; // per vCPU-month
const GIB_RAM = 3_093_010n; // per GiB-month
const GIB_DISK = 40_000n;
const GI = 1n << 30n;

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

// 500m CPU + 512Mi memory, one pod
const HALF = CPU / 2n + GIB_RAM / 2n; // both even, so exact

describe('priceObject: table', () => {
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
    ['custom resource', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 0n],
    ['Pod 500m / 512Mi', pod(podSpec([container('500m', '512Mi')])), HALF],
    ['Pod 1 vCPU', pod(podSpec([container('1')])), CPU],
    ['Pod 1Gi', pod(podSpec([container(undefined, '1Gi')])), GIB_RAM],
    ['Pod 100m', pod(podSpec([container('100m')])), 2_307_603n],
    ['Pod 1m rounds half up once', pod(podSpec([container('1m')])), 23_076n], // 23076.03
    ['Pod 1.5m CPU is priced as 2m', pod(podSpec([container('1.5m')])), 46_152n], // 46152.06
    ['Pod with two containers sums them', pod(podSpec([container('250m', '256Mi'), container('250m', '256Mi')])), HALF],
    ['Pod with no requests and no defaults', pod(podSpec([{ name: 'c', image: 'x' }])), 0n],
    ['Pod with limits only is priced at the limits', pod(podSpec([{ name: 'c', resources: { limits: { cpu: '1', memory: '1Gi' } } }])), CPU + GIB_RAM],
    ['request wins over limit', pod(podSpec([{ name: 'c', resources: { requests: { cpu: '500m' }, limits: { cpu: '2' } } }])), CPU / 2n],
    [
      'defaults from context fill missing requests',
      pod(podSpec([{ name: 'c' }])),
      CPU / 10n + GIB_RAM / 8n,
      { defaultRequests: { cpuMillis: 100n, memoryBytes: 128n << 20n } },
    ],
    [
      'defaults only fill what is missing',
      pod(podSpec([container('1')])),
      CPU + GIB_RAM / 8n,
      { defaultRequests: { cpuMillis: 100n, memoryBytes: 128n << 20n } },
    ],
    ['numeric quantities are accepted', pod(podSpec([{ name: 'c', resources: { requests: { cpu: 2 } } }])), 2n * CPU],
    ['init container larger than app containers wins', pod(podSpec([container('100m'), container('200m')], [container('1')])), CPU],
    ['app containers larger than init win', pod(podSpec([container('600m'), container('400m')], [container('500m')])), CPU],
    ['max of init containers, not their sum', pod(podSpec([container('100m')], [container('500m'), container('500m')])), CPU / 2n],
    [
      'sidecar init containers add to app containers and to later init containers',
      // sidecar 100m, then regular init 500m → init peak 600m; apps 300m + sidecar 100m = 400m
      pod(podSpec([container('300m')], [container('100m', undefined, { restartPolicy: 'Always' }), container('500m')])),
      (CPU * 6n) / 10n,
    ],
    [
      'sidecar after a regular init container does not add to it',
      pod(podSpec([container('300m')], [container('500m'), container('100m', undefined, { restartPolicy: 'Always' })])),
      CPU / 2n,
    ],
    ['pod overhead is added', pod({ ...podSpec([container('500m')]), overhead: { cpu: '500m', memory: '1Gi' } }), CPU + GIB_RAM],
    ['Succeeded Pod costs nothing', pod(podSpec([container('1')]), { status: { phase: 'Succeeded' } }), 0n],
    ['Failed Pod costs nothing', pod(podSpec([container('1')]), { status: { phase: 'Failed' } }), 0n],
    ['Running Pod costs', pod(podSpec([container('1')]), { status: { phase: 'Running' } }), CPU],
    ['Pod controlled by a ReplicaSet is covered by it', { ...pod(podSpec([container('1')])), metadata: { name: 'p', ...owned('apps/v1', 'ReplicaSet') } }, 0n],
    ['Pod controlled by a Job is covered by it', { ...pod(podSpec([container('1')])), metadata: { name: 'p', ...owned('batch/v1', 'Job') } }, 0n],
    [
      'Pod with a non-controller owner is priced',
      { ...pod(podSpec([container('1')])), metadata: { name: 'p', ...owned('apps/v1', 'ReplicaSet', false) } },
      CPU,
    ],
    ['Pod owned by an unknown controller is priced', { ...pod(podSpec([container('1')])), metadata: { name: 'p', ...owned('example.com/v1', 'Thing') } }, CPU],
    ['Deployment × 3 replicas', workload('Deployment', 'apps/v1', { replicas: 3, ...template('500m', '512Mi') }), 3n * HALF],
    ['Deployment without replicas defaults to 1', workload('Deployment', 'apps/v1', template('500m', '512Mi')), HALF],
    ['Deployment scaled to 0', workload('Deployment', 'apps/v1', { replicas: 0, ...template('500m', '512Mi') }), 0n],
    ['Deployment in another group is not a workload', workload('Deployment', 'example.com/v1', { replicas: 3, ...template('1', '1Gi') }), 0n],
    ['ReplicaSet × 2', workload('ReplicaSet', 'apps/v1', { replicas: 2, ...template('1', '1Gi') }), 2n * (CPU + GIB_RAM)],
    [
      'ReplicaSet controlled by a Deployment is covered by it',
      { ...workload('ReplicaSet', 'apps/v1', { replicas: 2, ...template('1', '1Gi') }), metadata: { name: 'rs', ...owned('apps/v1', 'Deployment') } },
      0n,
    ],
    ['ReplicationController × 2', workload('ReplicationController', 'v1', { replicas: 2, ...template('1', '1Gi') }), 2n * (CPU + GIB_RAM)],
    [
      'StatefulSet × 3 with a 10Gi claim template',
      workload('StatefulSet', 'apps/v1', {
        replicas: 3,
        ...template('1', '1Gi'),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '10Gi' } } } }],
      }),
      3n * (CPU + GIB_RAM) + 30n * GIB_DISK,
    ],
    ['DaemonSet on 1 node by default', workload('DaemonSet', 'apps/v1', template('1', '1Gi')), CPU + GIB_RAM],
    ['DaemonSet on 4 nodes', workload('DaemonSet', 'apps/v1', template('1', '1Gi')), 4n * (CPU + GIB_RAM), { daemonSetNodeCount: 4 }],
    ['Job, parallelism 1 by default', workload('Job', 'batch/v1', template('1', '1Gi')), CPU + GIB_RAM],
    ['Job, parallelism 3', workload('Job', 'batch/v1', { parallelism: 3, ...template('1', '1Gi') }), 3n * (CPU + GIB_RAM)],
    [
      'Job with fewer completions left than parallelism',
      workload('Job', 'batch/v1', { parallelism: 3, completions: 5, ...template('1', '1Gi') }, { status: { succeeded: 4 } }),
      CPU + GIB_RAM,
    ],
    ['Job with completions < parallelism', workload('Job', 'batch/v1', { parallelism: 3, completions: 2, ...template('1', '1Gi') }), 2n * (CPU + GIB_RAM)],
    ['Complete Job costs nothing', workload('Job', 'batch/v1', template('1', '1Gi'), { status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 0n],
    ['Failed Job costs nothing', workload('Job', 'batch/v1', template('1', '1Gi'), { status: { conditions: [{ type: 'Failed', status: 'True' }] } }), 0n],
    [
      'a Job whose Complete condition is False still runs',
      workload('Job', 'batch/v1', template('1', '1Gi'), { status: { conditions: [{ type: 'Complete', status: 'False' }] } }),
      CPU + GIB_RAM,
    ],
    ['suspended Job costs nothing', workload('Job', 'batch/v1', { suspend: true, ...template('1', '1Gi') }), 0n],
    [
      'Job spawned by a CronJob is priced (the CronJob is not)',
      { ...workload('Job', 'batch/v1', template('1', '1Gi')), metadata: { name: 'j', ...owned('batch/v1', 'CronJob') } },
      CPU + GIB_RAM,
    ],
    [
      'CronJob costs nothing until it spawns Jobs',
      workload('CronJob', 'batch/v1', { schedule: '* * * * *', jobTemplate: { spec: template('8', '64Gi') } }),
      0n,
    ],
    ['PVC 10Gi', pvc('10Gi'), 10n * GIB_DISK],
    ['PVC 1.5Gi', pvc('1.5Gi'), 60_000n],
    ['PVC 1 byte rounds to nothing', pvc('1'), 0n],
    ['PVC controlled by a StatefulSet is covered by it', pvc('10Gi', owned('apps/v1', 'StatefulSet')), 0n],
    ['region multiplier ×1.25', service('LoadBalancer'), 1_250_000n, { region: 'eu-premium' }],
    ['region multiplier ×0', service('LoadBalancer'), 0n, { region: 'free' }],
    ['unknown region is ×1', service('LoadBalancer'), 1_000_000n, { region: 'nowhere' }],
    ['region multiplier on resources', pod(podSpec([container('1')])), (CPU * 5n) / 4n + 1n, { region: 'eu-premium' }], // 28845037.5 → half up
  ];

  it.each(cases)('%s', (_name, object, expected, context) => {
    const price = priceObject(object, book, context);
    expect(price.priceMicros).toBe(expected);
    expect(price.lines.reduce((sum, line) => sum + line.priceMicros, 0n)).toBe(price.priceMicros);
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
      'a Job completes',
      workload('Job', 'batch/v1', template('1', '1Gi')),
      workload('Job', 'batch/v1', template('1', '1Gi'), { status: { conditions: [{ type: 'Complete', status: 'True' }] } }),
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
        const requests = podRequests(spec);
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
