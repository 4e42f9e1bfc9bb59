import { humanDuration } from '../registry/age.js';
import type { KubeObject, ResourceType, TableColumn } from '../registry/types.js';

/**
 * kcp's API sharing kinds (apis.kcp.io/v1alpha1), served in every logical
 * cluster: APIResourceSchema (an immutable, CRD-like schema named
 * `<prefix>.<plural>.<group>`), APIExport (a set of schemas plus an identity
 * that keeps its objects apart from any other export of the same resource)
 * and APIBinding (serves an export's resources in the binding's cluster).
 */
export const APIS_GROUP = 'apis.kcp.io';
export const SCHEMAS = 'apiresourceschemas.apis.kcp.io';
export const EXPORTS = 'apiexports.apis.kcp.io';
export const BINDINGS = 'apibindings.apis.kcp.io';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
type Issue = { field: string; message: string };

async function validateSchema(obj: KubeObject): Promise<Issue[]> {
  const spec = obj.spec;
  if (!isRecord(spec)) return [{ field: 'spec', message: 'Required value' }];
  const issues: Issue[] = [];
  const names = isRecord(spec.names) ? spec.names : {};
  if (typeof spec.group !== 'string') issues.push({ field: 'spec.group', message: 'Required value' });
  if (typeof names.plural !== 'string' || typeof names.kind !== 'string') issues.push({ field: 'spec.names', message: 'Required value: plural and kind' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    issues.push({ field: 'spec.scope', message: 'Unsupported value: supported values: "Namespaced", "Cluster"' });
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) issues.push({ field: 'spec.versions', message: 'Required value' });
  const name = obj.metadata?.name ?? '';
  const suffix = `.${String(names.plural)}.${String(spec.group)}`;
  if (issues.length === 0 && (!name.endsWith(suffix) || name.length === suffix.length)) {
    issues.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be <prefix>${suffix}` });
  }
  return issues;
}

async function validateExport(obj: KubeObject): Promise<Issue[]> {
  const spec = obj.spec ?? {};
  if (!isRecord(spec)) return [{ field: 'spec', message: 'Invalid value: must be an object' }];
  if (
    spec.latestResourceSchemas !== undefined &&
    (!Array.isArray(spec.latestResourceSchemas) || spec.latestResourceSchemas.some((s) => typeof s !== 'string'))
  ) {
    return [{ field: 'spec.latestResourceSchemas', message: 'Invalid value: must be a list of APIResourceSchema names' }];
  }
  if (spec.resources !== undefined && (!Array.isArray(spec.resources) || spec.resources.some((r) => !isRecord(r) || typeof r.schema !== 'string'))) {
    return [{ field: 'spec.resources', message: 'Invalid value: must be a list of {group, name, schema}' }];
  }
  return [];
}

async function validateBinding(obj: KubeObject): Promise<Issue[]> {
  const ref = (obj.spec as { reference?: { export?: { name?: unknown; path?: unknown } } } | undefined)?.reference?.export;
  if (!ref || typeof ref.name !== 'string' || ref.name === '') return [{ field: 'spec.reference.export.name', message: 'Required value' }];
  if (ref.path !== undefined && typeof ref.path !== 'string') return [{ field: 'spec.reference.export.path', message: 'Invalid value: must be a string' }];
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
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const base = { group: APIS_GROUP, version: 'v1alpha1', namespaced: false, shortNames: [], categories: ['kcp'], verbs: VERBS, status: true };

export const apisTypes: ResourceType[] = [
  {
    ...base,
    kind: 'APIResourceSchema',
    listKind: 'APIResourceSchemaList',
    plural: 'apiresourceschemas',
    singular: 'apiresourceschema',
    status: false,
    validate: validateSchema,
    columns: [nameColumn, ageColumn],
  },
  {
    ...base,
    kind: 'APIExport',
    listKind: 'APIExportList',
    plural: 'apiexports',
    singular: 'apiexport',
    validate: validateExport,
    columns: [nameColumn, ageColumn],
  },
  {
    ...base,
    kind: 'APIBinding',
    listKind: 'APIBindingList',
    plural: 'apibindings',
    singular: 'apibinding',
    validate: validateBinding,
    columns: [
      nameColumn,
      {
        name: 'Phase',
        type: 'string',
        description: 'Phase',
        priority: 0,
        cell: (o) => (o.status as { phase?: string } | undefined)?.phase,
      },
      ageColumn,
    ],
  },
];
