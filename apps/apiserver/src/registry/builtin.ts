import { apisTypes } from '../apis/types.js';
import { tenancyTypes } from '../tenancy/types.js';
import { humanDuration } from './age.js';
import { leaseHolder, validateLease } from './coordination.js';
import {
  defaultEndpointSlice,
  defaultEndpoints,
  endpointSliceAddresses,
  endpointSlicePorts,
  endpointsCell,
  validateEndpointSlice,
  validateEndpoints,
} from './endpoints.js';
import { formatLabelSelector } from './field.js';
import { defaultHorizontalPodAutoscaler, hpaTargets, validateHorizontalPodAutoscaler } from './hpa.js';
import { defaultIngressClass, ingressClassParameters, validateIngressClass } from './ingressclass.js';
import { pdbBound, validatePodDisruptionBudget } from './pdb.js';
import { defaultPodSpec, hasPodSpec } from './pod-defaults.js';
import { defaultPriorityClass, validatePriorityClass } from './scheduling.js';
import type { KubeObject, ResourceType, TableColumn } from './types.js';

export { humanDuration } from './age.js';

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata?.name,
};
const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'Time since the object was created.',
  priority: 0,
  cell: (o, now) => (o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : undefined),
};

function col(name: string, cell: TableColumn['cell'], type: TableColumn['type'] = 'string', priority = 0): TableColumn {
  return { name, type, description: name, priority, cell };
}

const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

const columns: Record<string, TableColumn[]> = {
  Namespace: [nameColumn, col('Status', (o) => String(get(o, 'status.phase') ?? 'Active')), ageColumn],
  ConfigMap: [nameColumn, col('Data', (o) => count(o.data) + count(o.binaryData), 'integer'), ageColumn],
  Secret: [nameColumn, col('Type', (o) => String(o.type ?? 'Opaque')), col('Data', (o) => count(o.data), 'integer'), ageColumn],
  ServiceAccount: [nameColumn, col('Secrets', (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0), 'integer'), ageColumn],
  Service: [
    nameColumn,
    col('Type', (o) => String(get(o, 'spec.type') ?? 'ClusterIP')),
    col('Cluster-IP', (o) => (get(o, 'spec.clusterIP') as string | undefined) ?? '<none>'),
    col('External-IP', (o) => {
      const ingress = get(o, 'status.loadBalancer.ingress');
      if (Array.isArray(ingress) && ingress.length) return ingress.map((i) => i.ip ?? i.hostname).join(',');
      return get(o, 'spec.type') === 'LoadBalancer' ? '<pending>' : '<none>';
    }),
    col('Port(s)', (o) => {
      const ports = get(o, 'spec.ports');
      if (!Array.isArray(ports) || !ports.length) return '<none>';
      return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
    }),
    ageColumn,
  ],
  Pod: [
    nameColumn,
    col('Ready', (o) => {
      const statuses = get(o, 'status.containerStatuses');
      const containers = get(o, 'spec.containers');
      const total = Array.isArray(containers) ? containers.length : 0;
      const ready = Array.isArray(statuses) ? statuses.filter((s) => s.ready).length : 0;
      return `${ready}/${total}`;
    }),
    col('Status', (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : String(get(o, 'status.phase') ?? 'Pending'))),
    col(
      'Restarts',
      (o) => {
        const statuses = get(o, 'status.containerStatuses');
        return Array.isArray(statuses) ? statuses.reduce((a, s) => a + num(s.restartCount), 0) : 0;
      },
      'integer',
    ),
    ageColumn,
  ],
  Deployment: [
    nameColumn,
    col('Ready', (o) => `${num(get(o, 'status.readyReplicas'))}/${num(get(o, 'spec.replicas') ?? 1)}`),
    col('Up-to-date', (o) => num(get(o, 'status.updatedReplicas')), 'integer'),
    col('Available', (o) => num(get(o, 'status.availableReplicas')), 'integer'),
    ageColumn,
  ],
  ReplicaSet: [
    nameColumn,
    col('Desired', (o) => num(get(o, 'spec.replicas') ?? 1), 'integer'),
    col('Current', (o) => num(get(o, 'status.replicas')), 'integer'),
    col('Ready', (o) => num(get(o, 'status.readyReplicas')), 'integer'),
    ageColumn,
  ],
  StatefulSet: [nameColumn, col('Ready', (o) => `${num(get(o, 'status.readyReplicas'))}/${num(get(o, 'spec.replicas') ?? 1)}`), ageColumn],
  DaemonSet: [
    nameColumn,
    col('Desired', (o) => num(get(o, 'status.desiredNumberScheduled')), 'integer'),
    col('Current', (o) => num(get(o, 'status.currentNumberScheduled')), 'integer'),
    col('Ready', (o) => num(get(o, 'status.numberReady')), 'integer'),
    ageColumn,
  ],
  Job: [
    nameColumn,
    col('Status', (o) => {
      const conditions = get(o, 'status.conditions');
      const done = Array.isArray(conditions) ? conditions.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed')) : undefined;
      return done ? String(done.type) : 'Running';
    }),
    col('Completions', (o) => `${num(get(o, 'status.succeeded'))}/${num(get(o, 'spec.completions') ?? 1)}`),
    ageColumn,
  ],
  // kube-apiserver's printer types these "string" but sends MaxPods and Replicas as integers.
  HorizontalPodAutoscaler: [
    nameColumn,
    col('Reference', (o) => `${String(get(o, 'spec.scaleTargetRef.kind') ?? '')}/${String(get(o, 'spec.scaleTargetRef.name') ?? '')}`),
    col('Targets', hpaTargets),
    col('MinPods', (o) => (typeof get(o, 'spec.minReplicas') === 'number' ? String(get(o, 'spec.minReplicas')) : '<unset>')),
    col('MaxPods', (o) => num(get(o, 'spec.maxReplicas'))),
    col('Replicas', (o) => num(get(o, 'status.currentReplicas'))),
    ageColumn,
  ],
  CronJob: [
    nameColumn,
    col('Schedule', (o) => String(get(o, 'spec.schedule') ?? '')),
    col('Suspend', (o) => String(get(o, 'spec.suspend') ?? false)),
    col('Active', (o) => (Array.isArray(get(o, 'status.active')) ? (get(o, 'status.active') as unknown[]).length : 0), 'integer'),
    ageColumn,
  ],
  Ingress: [
    nameColumn,
    col('Class', (o) => (get(o, 'spec.ingressClassName') as string | undefined) ?? '<none>'),
    col('Hosts', (o) => {
      const rules = get(o, 'spec.rules');
      const hosts = Array.isArray(rules) ? rules.map((r) => r.host).filter(Boolean) : [];
      return hosts.length ? hosts.join(',') : '*';
    }),
    ageColumn,
  ],
  PersistentVolumeClaim: [
    nameColumn,
    col('Status', (o) => String(get(o, 'status.phase') ?? 'Pending')),
    col('Capacity', (o) => (get(o, 'spec.resources.requests.storage') as string | undefined) ?? ''),
    ageColumn,
  ],
  RoleBinding: [nameColumn, col('Role', (o) => `${get(o, 'roleRef.kind')}/${get(o, 'roleRef.name')}`), ageColumn],
  ClusterRoleBinding: [nameColumn, col('Role', (o) => `${get(o, 'roleRef.kind')}/${get(o, 'roleRef.name')}`), ageColumn],
  // The printers of pkg/printers/internalversion, column for column (names, types and cells).
  NetworkPolicy: [nameColumn, col('Pod-Selector', (o) => formatLabelSelector(get(o, 'spec.podSelector'))), ageColumn],
  IngressClass: [nameColumn, col('Controller', (o) => String(get(o, 'spec.controller') ?? '')), col('Parameters', ingressClassParameters), ageColumn],
  PodDisruptionBudget: [
    nameColumn,
    col('Min Available', (o) => pdbBound(get(o, 'spec.minAvailable'))),
    col('Max Unavailable', (o) => pdbBound(get(o, 'spec.maxUnavailable'))),
    col('Allowed Disruptions', (o) => num(get(o, 'status.disruptionsAllowed')), 'integer'),
    ageColumn,
  ],
  PriorityClass: [
    nameColumn,
    col('Value', (o) => num(o.value), 'integer'),
    col('Global-Default', (o) => o.globalDefault === true, 'boolean'),
    ageColumn,
    col('PreemptionPolicy', (o) => (typeof o.preemptionPolicy === 'string' ? o.preemptionPolicy : '')),
  ],
  Lease: [nameColumn, col('Holder', leaseHolder), ageColumn],
  Endpoints: [nameColumn, col('Endpoints', endpointsCell), ageColumn],
  EndpointSlice: [
    nameColumn,
    col('AddressType', (o) => String(o.addressType ?? '')),
    col('Ports', endpointSlicePorts),
    col('Endpoints', endpointSliceAddresses),
    ageColumn,
  ],
  CustomResourceDefinition: [nameColumn, col('Created At', (o) => o.metadata?.creationTimestamp, 'date')],
};

export function columnsFor(kind: string): TableColumn[] {
  return columns[kind] ?? [nameColumn, ageColumn];
}

interface SchemaIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The value an issue's JSON pointer names (ajv reports only where, not what). */
function at(obj: unknown, pointer: string): unknown {
  let cur = obj;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return cur;
}

function describe(issue: SchemaIssue, obj: unknown): { field: string; message: string } {
  const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || '<root>';
  switch (issue.keyword) {
    case 'required':
      return { field: `${field === '<root>' ? '' : `${field}.`}${String(issue.params.missingProperty)}`, message: 'Required value' };
    case 'type':
      return { field, message: `Invalid value: must be of type ${String(issue.params.type)}` };
    case 'enum':
      return {
        field,
        message: `Unsupported value: ${JSON.stringify(at(obj, issue.instancePath))}: supported values: ${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'format': {
      const format = String(issue.params.format);
      const bits = { int32: '32', int64: '64' }[format];
      return { field, message: bits ? `Invalid value: must be a ${bits}-bit integer` : `Invalid value: must be of format ${format}` };
    }
    default:
      return { field, message: issue.message ?? `Invalid value (${issue.keyword})` };
  }
}

/**
 * An int-or-string (or other `oneOf`) field that matches no branch yields one
 * error per branch plus the `oneOf`; report it once, naming the accepted types.
 */
function collapseAlternatives(issues: SchemaIssue[]): SchemaIssue[] {
  const alternatives = new Set(issues.filter((i) => i.keyword === 'oneOf').map((i) => i.instancePath));
  if (alternatives.size === 0) return issues;
  const out: SchemaIssue[] = [];
  for (const issue of issues) {
    if (!alternatives.has(issue.instancePath)) out.push(issue);
    else if (issue.keyword === 'oneOf') {
      const types = issues.filter((i) => i.instancePath === issue.instancePath && i.keyword === 'type').map((i) => String(i.params.type));
      out.push({ ...issue, keyword: 'type', params: { type: [...new Set(types)].join(' or ') } });
    }
  }
  return out;
}

type Validator = ((data: unknown) => boolean) & { errors?: SchemaIssue[] | null };
type Issue = { field: string; message: string };
const validatorCache = new Map<string, Promise<Validator | undefined>>();

/** Schema validation from the compiled validators shipped in `kubernetes-models` (loaded lazily). */
function schemaValidator(schema: string, semantic?: (obj: KubeObject) => Issue[]): (obj: KubeObject) => Promise<Issue[]> {
  return async (obj) => {
    let loading = validatorCache.get(schema);
    if (!loading) {
      loading = import(`kubernetes-models/_schemas/${schema}`).then(
        (m: { validate?: Validator }) => m.validate,
        () => undefined,
      );
      validatorCache.set(schema, loading);
    }
    const validate = await loading;
    // Semantic rules assume well-typed fields, and would restate the schema's findings under other paths.
    if (!validate || validate(obj)) return semantic?.(obj) ?? [];
    return collapseAlternatives(validate.errors ?? [])
      .slice(0, 10)
      .map((issue) => describe(issue, obj));
  };
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Spec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  scale?: boolean;
  schema: string;
  /** Defaults applied on every write (as kube-apiserver's defaulting on decode); mutates. */
  defaults?: (obj: KubeObject) => void;
  /** Validation beyond the schema (Kubernetes' hand-written rules), run on schema-valid objects. */
  semantic?: (obj: KubeObject) => Issue[];
}

const specs: Spec[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], status: true, schema: 'IoK8sApiCoreV1Namespace' },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], schema: 'IoK8sApiCoreV1ConfigMap' },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, schema: 'IoK8sApiCoreV1Secret' },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], schema: 'IoK8sApiCoreV1ServiceAccount' },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    status: true,
    schema: 'IoK8sApiCoreV1Service',
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    status: true,
    schema: 'IoK8sApiCoreV1Pod',
  },
  {
    group: '',
    version: 'v1',
    kind: 'Endpoints',
    plural: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    schema: 'IoK8sApiCoreV1Endpoints',
    defaults: defaultEndpoints,
    semantic: validateEndpoints,
  },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], schema: 'IoK8sApiCoreV1Event' },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    status: true,
    schema: 'IoK8sApiCoreV1PersistentVolumeClaim',
  },
  {
    group: '',
    version: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    namespaced: true,
    shortNames: ['quota'],
    status: true,
    schema: 'IoK8sApiCoreV1ResourceQuota',
  },
  { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'], schema: 'IoK8sApiCoreV1LimitRange' },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    status: true,
    scale: true,
    schema: 'IoK8sApiAppsV1Deployment',
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    status: true,
    scale: true,
    schema: 'IoK8sApiAppsV1ReplicaSet',
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    status: true,
    scale: true,
    schema: 'IoK8sApiAppsV1StatefulSet',
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    status: true,
    schema: 'IoK8sApiAppsV1DaemonSet',
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    status: true,
    schema: 'IoK8sApiAutoscalingV2HorizontalPodAutoscaler',
    defaults: defaultHorizontalPodAutoscaler,
    semantic: validateHorizontalPodAutoscaler,
  },
  { group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, categories: ['all'], status: true, schema: 'IoK8sApiBatchV1Job' },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    status: true,
    schema: 'IoK8sApiBatchV1CronJob',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
    schema: 'IoK8sApiNetworkingV1Ingress',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    namespaced: true,
    shortNames: ['netpol'],
    schema: 'IoK8sApiNetworkingV1NetworkPolicy',
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'IngressClass',
    plural: 'ingressclasses',
    namespaced: false,
    schema: 'IoK8sApiNetworkingV1IngressClass',
    defaults: defaultIngressClass,
    semantic: validateIngressClass,
  },
  {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
    schema: 'IoK8sApiPolicyV1PodDisruptionBudget',
    semantic: validatePodDisruptionBudget,
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    namespaced: false,
    shortNames: ['pc'],
    schema: 'IoK8sApiSchedulingV1PriorityClass',
    defaults: defaultPriorityClass,
    semantic: validatePriorityClass,
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    schema: 'IoK8sApiCoordinationV1Lease',
    semantic: validateLease,
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
    schema: 'IoK8sApiDiscoveryV1EndpointSlice',
    defaults: defaultEndpointSlice,
    semantic: validateEndpointSlice,
  },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true, schema: 'IoK8sApiRbacV1Role' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, schema: 'IoK8sApiRbacV1RoleBinding' },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, schema: 'IoK8sApiRbacV1ClusterRole' },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    namespaced: false,
    schema: 'IoK8sApiRbacV1ClusterRoleBinding',
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    status: true,
    schema: 'IoK8sApiextensionsApiserverPkgApisApiextensionsV1CustomResourceDefinition',
  },
];

function normalizerFor(group: string, kind: string, defaults: ((obj: KubeObject) => void) | undefined): (obj: KubeObject) => void {
  if (!hasPodSpec(group, kind)) return defaults!;
  return (obj) => {
    defaultPodSpec(group, kind, obj);
    defaults?.(obj);
  };
}

const scalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

export const builtinTypes: ResourceType[] = [
  ...specs.map(
    (s): ResourceType => ({
      group: s.group,
      version: s.version,
      kind: s.kind,
      listKind: `${s.kind}List`,
      plural: s.plural,
      singular: s.kind.toLowerCase(),
      namespaced: s.namespaced,
      shortNames: s.shortNames ?? [],
      categories: s.categories ?? [],
      verbs: ALL_VERBS,
      status: s.status ?? false,
      ...(s.scale ? { scale: scalePaths } : {}),
      ...(s.defaults || hasPodSpec(s.group, s.kind) ? { normalize: normalizerFor(s.group, s.kind, s.defaults) } : {}),
      validate: schemaValidator(s.schema, s.semantic),
      columns: columnsFor(s.kind),
    }),
  ),
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectAccessReview',
    listKind: 'SelfSubjectAccessReviewList',
    plural: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    namespaced: false,
    shortNames: [],
    categories: [],
    verbs: ['create'],
    status: false,
    virtual: true,
  },
  ...tenancyTypes,
  ...apisTypes,
];
