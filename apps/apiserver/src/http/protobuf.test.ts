import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { builtinTypes } from '../registry/builtin.js';
import {
  decodeKubernetesProtobuf,
  decodeWatchFrames,
  encodeKubernetesProtobuf,
  encodeResponseProtobuf,
  encodeWatchFrame,
  kubernetesProtobufType,
  wantsProtobuf,
} from './protobuf.js';
import { ApiError } from './status.js';

// biome-ignore lint/suspicious/noExplicitAny: decoded objects are navigated freely in assertions
type Json = any;

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', ...extra });
const fullMeta = {
  name: 'web',
  namespace: 'shop',
  uid: '0b6f1f5e-2d47-4a8a-9a53-8c1a3f7a1c11',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2024-05-06T07:08:09Z',
  labels: { app: 'web', tier: 'front' },
  annotations: { 'example.com/note': 'hello' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
  finalizers: ['example.com/finalizer'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-06T07:08:09Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ],
};
const podSpec = {
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  serviceAccountName: 'default',
  automountServiceAccountToken: false,
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  containers: [
    {
      name: 'nginx',
      image: 'nginx:1.27',
      command: ['nginx'],
      args: ['-g', 'daemon off;'],
      ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
      env: [
        { name: 'MODE', value: 'fast' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: true } } },
      ],
      envFrom: [{ configMapRef: { name: 'settings' } }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '64Mi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10 },
      livenessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
      securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
  volumes: [
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'config', configMap: { name: 'settings', defaultMode: 420, items: [{ key: 'a', path: 'a.txt' }] } },
    { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
  ],
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule', tolerationSeconds: 60 }],
};
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };
const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] };
const rules = [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['get', 'list'], resourceNames: ['web'] }];

/** A representative object per served kind of k8s.io/api (keyed by apiVersion/kind). */
const SAMPLES: Record<string, Record<string, unknown>> = {
  'v1/Namespace': { metadata: { name: 'shop', labels: { team: 'a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  'v1/ConfigMap': { metadata: meta('settings'), data: { color: 'blue', empty: '' }, binaryData: { blob: 'AAEC/w==' }, immutable: true },
  'v1/Secret': { metadata: meta('creds'), type: 'Opaque', data: { password: 'c2VjcmV0', a: 'Yg==', empty: '' }, stringData: { extra: 'x' } },
  'v1/ServiceAccount': {
    metadata: meta('builder'),
    secrets: [{ name: 'token' }],
    imagePullSecrets: [{ name: 'registry' }],
    automountServiceAccountToken: false,
  },
  'v1/Service': {
    metadata: meta('web', { labels: { app: 'web' } }),
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'https', port: 443, targetPort: 'https' },
      ],
      clusterIP: '10.0.0.10',
      clusterIPs: ['10.0.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } },
  },
  'v1/Pod': {
    metadata: fullMeta,
    spec: { ...podSpec, nodeName: 'node-1' },
    status: {
      phase: 'Running',
      podIP: '10.1.2.3',
      startTime: '2024-05-06T07:08:10Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-06T07:08:11Z' }],
    },
  },
  'v1/Endpoints': {
    metadata: meta('web'),
    subsets: [
      {
        addresses: [{ ip: '10.1.2.3', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
        ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      },
    ],
  },
  'v1/Event': {
    metadata: meta('web.1'),
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u-2' },
    reason: 'Started',
    message: 'Started container',
    type: 'Normal',
    count: 2,
    firstTimestamp: '2024-05-06T07:08:09Z',
    lastTimestamp: '2024-05-06T07:09:09Z',
    eventTime: '2024-05-06T07:08:09.123456Z',
    source: { component: 'kubelet', host: 'node-1' },
    reportingComponent: 'kubelet',
  },
  'v1/PersistentVolumeClaim': {
    metadata: meta('data'),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', capacity: { storage: '10Gi' } },
  },
  'v1/ResourceQuota': {
    metadata: meta('q'),
    spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '1.5Gi', 'limits.cpu': '2500m' }, scopes: ['NotTerminating'] },
    status: { hard: { pods: '10' }, used: { pods: '3' } },
  },
  'v1/LimitRange': {
    metadata: meta('limits'),
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { memory: '1Gi' } }] },
  },
  'apps/v1/Deployment': {
    metadata: fullMeta,
    spec: {
      replicas: 2,
      selector,
      template,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      readyReplicas: 2,
      conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-05-06T07:08:09Z', reason: 'MinimumReplicasAvailable' }],
    },
  },
  'apps/v1/ReplicaSet': { metadata: meta('web-1'), spec: { replicas: 1, selector, template }, status: { replicas: 1 } },
  'apps/v1/StatefulSet': {
    metadata: meta('db'),
    spec: {
      serviceName: 'db',
      replicas: 3,
      selector,
      template,
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
    },
  },
  'apps/v1/DaemonSet': {
    metadata: meta('agent'),
    spec: { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    metadata: meta('web'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '100m' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
    },
    status: { currentReplicas: 2, desiredReplicas: 2, lastScaleTime: '2024-05-06T07:08:09Z' },
  },
  'batch/v1/Job': {
    metadata: meta('j'),
    spec: {
      parallelism: 2,
      completions: 4,
      backoffLimit: 0,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 100,
      template: { spec: { ...podSpec, restartPolicy: 'Never' } },
    },
    status: { succeeded: 1, startTime: '2024-05-06T07:08:09Z' },
  },
  'batch/v1/CronJob': {
    metadata: meta('c'),
    spec: {
      schedule: '*/5 * * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: { job: 'c' } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    },
    status: { lastScheduleTime: '2024-05-06T07:05:00Z' },
  },
  'networking.k8s.io/v1/Ingress': {
    metadata: meta('i', { annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }),
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
      defaultBackend: { service: { name: 'default', port: { name: 'http' } } },
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    metadata: meta('deny'),
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
          ports: [
            { protocol: 'TCP', port: 80 },
            { port: 'http', endPort: 90 },
          ],
        },
      ],
    },
  },
  'networking.k8s.io/v1/IngressClass': {
    metadata: { name: 'nginx' },
    spec: { controller: 'k8s.io/ingress-nginx', parameters: { kind: 'Params', name: 'p', scope: 'Cluster' } },
  },
  'policy/v1/PodDisruptionBudget': {
    metadata: meta('pdb'),
    spec: { minAvailable: '50%', selector },
    status: { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 3 },
  },
  'scheduling.k8s.io/v1/PriorityClass': { metadata: { name: 'high' }, value: 1000, globalDefault: true, description: 'important', preemptionPolicy: 'Never' },
  'coordination.k8s.io/v1/Lease': {
    metadata: meta('leader'),
    spec: {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: '2024-05-06T07:08:09.000001Z',
      renewTime: '2024-05-06T07:08:19.654321Z',
      leaseTransitions: 2,
    },
  },
  'discovery.k8s.io/v1/EndpointSlice': {
    metadata: meta('web-abc', { labels: { 'kubernetes.io/service-name': 'web' } }),
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true, serving: true }, nodeName: 'node-1', zone: 'a' }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
  'rbac.authorization.k8s.io/v1/Role': { metadata: meta('reader'), rules },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    metadata: { name: 'agg' },
    rules: [...rules, { nonResourceURLs: ['/healthz'], verbs: ['get'] }],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] },
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    metadata: meta('read'),
    subjects: [
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'default' },
    ],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    metadata: { name: 'read-all' },
    subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agg' },
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: 'apps', resource: 'deployments' } },
  },
};

/** Served kinds that are not in k8s.io/api: they have no protobuf definition (clients send them as JSON). */
const NOT_IN_K8S_API = [
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'tenancy.kcp.io/v1alpha1/Workspace',
  'tenancy.kcp.io/v1alpha1/WorkspaceType',
  'core.kcp.io/v1alpha1/LogicalCluster',
  'apis.kcp.io/v1alpha1/APIResourceSchema',
  'apis.kcp.io/v1alpha1/APIExport',
  'apis.kcp.io/v1alpha1/APIBinding',
];

const served = builtinTypes.map((t) => ({ apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind }));
const key = (t: { apiVersion: string; kind: string }) => `${t.apiVersion}/${t.kind}`;
const withDefinition = served.filter((t) => kubernetesProtobufType(t.apiVersion, t.kind));

function status(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return { code: (e as ApiError).code, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

/** Handcrafted envelope: `k8s\0` + runtime.Unknown. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, extra: Record<string, string> = {}): Buffer {
  const w = protobuf.Writer.create();
  const tm = protobuf.Writer.create().uint32(10).string(apiVersion).uint32(18).string(kind).finish();
  w.uint32(10).bytes(tm).uint32(18).bytes(raw);
  if (extra.contentEncoding) w.uint32(26).string(extra.contentEncoding);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), w.finish()]);
}

describe('Kubernetes protobuf bodies', () => {
  it('has a definition for every served kind of k8s.io/api, and only the non-k8s.io/api kinds lack one', () => {
    const lacking = served.filter((t) => !kubernetesProtobufType(t.apiVersion, t.kind)).map(key);
    expect(lacking.sort()).toEqual([...NOT_IN_K8S_API].sort());
  });

  it('has a sample for every served kind with a definition', () => {
    expect(withDefinition.map(key).filter((k) => !SAMPLES[k])).toEqual([]);
  });

  it.each(withDefinition.map(key))('round-trips %s through protobuf', (k) => {
    const kind = k.slice(k.lastIndexOf('/') + 1);
    const apiVersion = k.slice(0, k.lastIndexOf('/'));
    const object = { apiVersion, kind, ...SAMPLES[k] };
    const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf(object));
    // An empty metadata message decodes to {}; everything else must come back as it went in.
    expect(decoded).toEqual(object);
  });

  it('decodes bytes as base64, quantities as strings, IntOrString as number or string, times as RFC3339', () => {
    const pod = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Pod', ...SAMPLES['v1/Pod'] })) as Json;
    expect(pod.spec.containers[0].readinessProbe.httpGet.port).toBe('http');
    expect(pod.spec.containers[0].livenessProbe.tcpSocket.port).toBe(80);
    expect(pod.spec.containers[0].resources.limits.cpu).toBe('500m');
    expect(pod.metadata.creationTimestamp).toBe('2024-05-06T07:08:09Z');
    expect(pod.metadata.managedFields[0].fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const secret = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } }));
    expect(secret.data).toEqual({ a: 'Yg==' });
    const lease = decodeKubernetesProtobuf(
      encodeKubernetesProtobuf({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { renewTime: '2024-01-01T00:00:00.5Z' } }),
    ) as Json;
    expect(lease.spec.renewTime).toBe('2024-01-01T00:00:00.500000Z');
  });

  it('omits unset non-pointer strings (sent as "") and zero times like the Go JSON encoding', () => {
    const type = kubernetesProtobufType('v1', 'ConfigMap')!;
    const raw = type.encode(type.fromObject({ metadata: { name: 'x', namespace: '', creationTimestamp: { seconds: 0, nanos: 0 } }, data: { k: '' } })).finish();
    expect(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { k: '' },
    });
  });

  it('drops the zero values of non-pointer omitempty scalars, keeps those of pointers (replicas: 0)', () => {
    const type = kubernetesProtobufType('apps/v1', 'Deployment')!;
    const raw = type
      .encode(
        type.fromObject({
          metadata: { name: 'd', generation: 0 },
          spec: { replicas: 0, minReadySeconds: 0, paused: false, template: { spec: { containers: [{ name: 'c', stdin: false, tty: true }] } } },
        }),
      )
      .finish();
    expect(decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', raw))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 0, template: { spec: { containers: [{ name: 'c', tty: true }] } } },
    });
  });

  it('rejects malformed bodies with 4xx Status errors', () => {
    const good = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', ...SAMPLES['v1/ConfigMap'] });
    expect(status(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"ConfigMap"}')))).toMatchObject({ code: 400, message: expect.stringContaining('magic') });
    expect(status(() => decodeKubernetesProtobuf(Buffer.from('k8s')))).toMatchObject({ code: 400 });
    expect(status(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 7)))).toMatchObject({
      code: 400,
      message: expect.stringContaining('malformed protobuf'),
    });
    expect(status(() => decodeKubernetesProtobuf(envelope('v1', 'NoSuchKind', new Uint8Array())))).toMatchObject({
      code: 415,
      message: expect.stringContaining('v1/NoSuchKind'),
    });
    expect(status(() => decodeKubernetesProtobuf(envelope('tenancy.kcp.io/v1alpha1', 'Workspace', new Uint8Array())))).toMatchObject({ code: 415 });
    expect(status(() => decodeKubernetesProtobuf(envelope('', '', new Uint8Array())))).toMatchObject({
      code: 400,
      message: expect.stringContaining('apiVersion and kind'),
    });
    expect(status(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', new Uint8Array(), { contentEncoding: 'gzip' })))).toMatchObject({ code: 415 });
    // raw that is not a ConfigMap: field 1 (metadata) as a varint, then a length running past the end
    expect(status(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Uint8Array.from([0x0a, 0x7f, 0x01]))))).toMatchObject({ code: 400 });
    expect(status(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', Uint8Array.from([0x08, 0x01]))))).toMatchObject({ code: 400 });
    // a RawExtension that does not hold JSON
    const ev = kubernetesProtobufType('apps/v1', 'ControllerRevision')!;
    const badRaw = ev.encode(ev.fromObject({ metadata: { name: 'r' }, data: { raw: Buffer.from('not json') } })).finish();
    expect(status(() => decodeKubernetesProtobuf(envelope('apps/v1', 'ControllerRevision', badRaw)))).toMatchObject({
      code: 400,
      message: expect.stringContaining('RawExtension'),
    });
    expect(status(() => decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.alloc(4 * 1024 * 1024)])))).toMatchObject({ code: 413 });
  });
});

describe('Kubernetes protobuf responses', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', ...SAMPLES['apps/v1/Deployment'] };

  it('is chosen only when the client lists protobuf first, and never for Tables', () => {
    expect(wantsProtobuf('application/vnd.kubernetes.protobuf,application/json')).toBe(true);
    expect(wantsProtobuf('application/vnd.kubernetes.protobuf;stream=watch')).toBe(true);
    expect(wantsProtobuf('application/json, application/vnd.kubernetes.protobuf')).toBe(false);
    expect(wantsProtobuf('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io')).toBe(false);
    expect(wantsProtobuf(undefined)).toBe(false);
  });

  it('encodes lists (items without TypeMeta) and Status, and leaves kinds without a definition to JSON', () => {
    const list = { apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '7' }, items: [deployment, deployment] };
    const decoded = decodeKubernetesProtobuf(encodeResponseProtobuf(list)!);
    const { apiVersion: _a, kind: _k, ...item } = deployment;
    expect(decoded).toEqual({ apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: { resourceVersion: '7' }, items: [item, item] });
    const status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'nope',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods' },
      code: 404,
    };
    expect(decodeKubernetesProtobuf(encodeResponseProtobuf(status)!)).toEqual(status);
    expect(encodeResponseProtobuf({ apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: 'w' } })).toBeUndefined();
    expect(encodeResponseProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, notAField: 1 })).toBeUndefined();
  });

  it('frames watch events with a length prefix around an envelope-less WatchEvent', () => {
    const bookmark = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { resourceVersion: '9' } };
    const stream = Buffer.concat([encodeWatchFrame('ADDED', deployment), encodeWatchFrame('BOOKMARK', bookmark)]);
    expect(stream.readUInt32BE(0)).toBe(encodeWatchFrame('ADDED', deployment).length - 4);
    expect(decodeWatchFrames(stream)).toEqual([
      { type: 'ADDED', object: deployment },
      { type: 'BOOKMARK', object: bookmark },
    ]);
  });
});
