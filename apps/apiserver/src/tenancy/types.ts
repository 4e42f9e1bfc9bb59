import { humanDuration } from '../registry/age.js';
import type { KubeObject, ResourceType, TableColumn } from '../registry/types.js';

/**
 * kcp's tenancy and core kinds, served in every logical cluster (as kcp
 * does): Workspace and WorkspaceType (tenancy.kcp.io/v1alpha1) and
 * LogicalCluster (core.kcp.io/v1alpha1). Shapes follow kcp's Go types
 * (sdk/tenancy/v1alpha1, sdk/core/v1alpha1); validation is hand-written for
 * the fields the server acts on, because kubernetes-models has no schemas for kcp kinds.
 */

export const TENANCY_GROUP = 'tenancy.kcp.io';
export const CORE_GROUP = 'core.kcp.io';
export const VERSION = 'v1alpha1';
/** The one LogicalCluster object per logical cluster has this name, as in kcp. */
export const LOGICAL_CLUSTER_NAME = 'cluster';
export const PATH_ANNOTATION = 'kcp.io/path';
/** The resolved type of a logical cluster (`<path>:<name>`), so children can find their parent's defaults. */
export const TYPE_ANNOTATION = 'tenancy.kcp.io/workspace-type';
/** Who created the Workspace; becomes the owner (workspace-admin) of the logical cluster. kcp's annotation key. */
export const OWNER_ANNOTATION = 'experimental.tenancy.kcp.io/owner';
/** Holds a Workspace until its logical cluster subtree is gone. */
export const WORKSPACE_FINALIZER = 'tenancy.kcp.io/workspace';
export const UNIVERSAL = 'universal';

export type Phase = 'Scheduling' | 'Initializing' | 'Ready' | 'Terminating';

export interface TypeReference {
  name: string;
  path?: string;
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const TYPE_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PATH = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
type Issue = { field: string; message: string };

function checkTypeRef(ref: unknown, field: string, issues: Issue[]): void {
  if (!isRecord(ref)) {
    issues.push({ field, message: 'Invalid value: must be an object with name and optional path' });
    return;
  }
  if (typeof ref.name !== 'string' || !TYPE_NAME.test(ref.name))
    issues.push({ field: `${field}.name`, message: `Invalid value: ${JSON.stringify(ref.name)}: must be a lowercase DNS label` });
  if (ref.path !== undefined && (typeof ref.path !== 'string' || !PATH.test(ref.path)))
    issues.push({ field: `${field}.path`, message: `Invalid value: ${JSON.stringify(ref.path)}: must be a logical cluster path like root:org` });
}

function checkTypeRefList(v: unknown, field: string, issues: Issue[]): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    issues.push({ field, message: 'Invalid value: must be a list' });
    return;
  }
  for (const [i, ref] of v.entries()) checkTypeRef(ref, `${field}[${i}]`, issues);
}

async function validateWorkspace(obj: KubeObject): Promise<Issue[]> {
  const issues: Issue[] = [];
  const name = obj.metadata?.name ?? '';
  // A Workspace name becomes a path segment: a DNS label, not a subdomain.
  if (name && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    issues.push({ field: 'metadata.name', message: `Invalid value: "${name}": a workspace name must be a lowercase RFC 1123 label (at most 63 characters)` });
  }
  const spec = obj.spec;
  if (spec !== undefined && !isRecord(spec)) issues.push({ field: 'spec', message: 'Invalid value: must be an object' });
  if (isRecord(spec) && spec.type !== undefined) checkTypeRef(spec.type, 'spec.type', issues);
  return issues;
}

async function validateWorkspaceType(obj: KubeObject): Promise<Issue[]> {
  const issues: Issue[] = [];
  const name = obj.metadata?.name ?? '';
  if (name && !TYPE_NAME.test(name))
    issues.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be a lowercase DNS label starting with a letter` });
  const spec = obj.spec ?? {};
  if (!isRecord(spec)) return [...issues, { field: 'spec', message: 'Invalid value: must be an object' }];
  if (spec.initializer !== undefined && typeof spec.initializer !== 'boolean')
    issues.push({ field: 'spec.initializer', message: 'Invalid value: must be a boolean' });
  if (spec.extend !== undefined) {
    if (!isRecord(spec.extend)) issues.push({ field: 'spec.extend', message: 'Invalid value: must be an object' });
    else checkTypeRefList(spec.extend.with, 'spec.extend.with', issues);
  }
  if (spec.defaultChildWorkspaceType !== undefined) checkTypeRef(spec.defaultChildWorkspaceType, 'spec.defaultChildWorkspaceType', issues);
  for (const field of ['limitAllowedChildren', 'limitAllowedParents'] as const) {
    const v = spec[field];
    if (v === undefined) continue;
    if (!isRecord(v)) {
      issues.push({ field: `spec.${field}`, message: 'Invalid value: must be an object' });
      continue;
    }
    checkTypeRefList(v.types, `spec.${field}.types`, issues);
    if (v.none !== undefined && typeof v.none !== 'boolean') issues.push({ field: `spec.${field}.none`, message: 'Invalid value: must be a boolean' });
  }
  if (spec.defaultAPIBindings !== undefined) {
    if (!Array.isArray(spec.defaultAPIBindings)) issues.push({ field: 'spec.defaultAPIBindings', message: 'Invalid value: must be a list' });
    else
      spec.defaultAPIBindings.forEach((b, i) => {
        if (!isRecord(b) || typeof b.export !== 'string' || (b.path !== undefined && typeof b.path !== 'string'))
          issues.push({ field: `spec.defaultAPIBindings[${i}]`, message: 'Invalid value: must be {path, export}' });
      });
  }
  return issues;
}

async function validateLogicalCluster(obj: KubeObject): Promise<Issue[]> {
  if (obj.metadata?.name !== LOGICAL_CLUSTER_NAME)
    return [{ field: 'metadata.name', message: `Invalid value: "${obj.metadata?.name}": must be "${LOGICAL_CLUSTER_NAME}"` }];
  const initializers = get(obj, 'status.initializers');
  if (initializers !== undefined && (!Array.isArray(initializers) || initializers.some((i) => typeof i !== 'string')))
    return [{ field: 'status.initializers', message: 'Invalid value: must be a list of strings' }];
  return [];
}

const nameColumn: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0, cell: (o) => o.metadata?.name };
const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: 'Age',
  priority: 0,
  cell: (o, now) => (o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : undefined),
};
const col = (name: string, path: string, priority = 0): TableColumn => ({
  name,
  type: 'string',
  description: name,
  priority,
  cell: (o) => {
    const v = get(o, path);
    return v === undefined ? undefined : String(v);
  },
});

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const tenancyTypes: ResourceType[] = [
  {
    group: TENANCY_GROUP,
    version: VERSION,
    kind: 'Workspace',
    listKind: 'WorkspaceList',
    plural: 'workspaces',
    singular: 'workspace',
    namespaced: false,
    shortNames: ['ws'],
    categories: ['kcp'],
    verbs: VERBS,
    status: true,
    validate: validateWorkspace,
    columns: [nameColumn, col('Type', 'spec.type.name'), col('Phase', 'status.phase'), col('URL', 'spec.URL'), ageColumn],
  },
  {
    group: TENANCY_GROUP,
    version: VERSION,
    kind: 'WorkspaceType',
    listKind: 'WorkspaceTypeList',
    plural: 'workspacetypes',
    singular: 'workspacetype',
    namespaced: false,
    shortNames: [],
    categories: ['kcp'],
    verbs: VERBS,
    status: true,
    validate: validateWorkspaceType,
    columns: [nameColumn, ageColumn],
  },
  {
    group: CORE_GROUP,
    version: VERSION,
    kind: 'LogicalCluster',
    listKind: 'LogicalClusterList',
    plural: 'logicalclusters',
    singular: 'logicalcluster',
    namespaced: false,
    shortNames: [],
    categories: ['kcp'],
    verbs: VERBS,
    status: true,
    validate: validateLogicalCluster,
    columns: [nameColumn, col('Phase', 'status.phase'), col('URL', 'status.URL'), ageColumn],
  },
];

export const WORKSPACES = 'workspaces.tenancy.kcp.io';
export const WORKSPACE_TYPES = 'workspacetypes.tenancy.kcp.io';
export const LOGICAL_CLUSTERS = 'logicalclusters.core.kcp.io';
