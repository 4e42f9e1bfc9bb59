import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { humanDuration } from '../registry/age.js';
import type { KubeObject, ResourceType, TableColumn } from '../registry/types.js';
import { crdMergeType } from '../ssa/merge-types.js';
import { type CompileProblem, compileVersionRules, type RuleNode } from './validations.js';

/**
 * Turns a CustomResourceDefinition into the resource types one logical
 * cluster serves: one per served version (all versions share storage, as
 * with conversion strategy None), validated against the version's
 * `openAPIV3Schema` with ajv after kube-apiserver-style pruning and defaulting.
 */

export interface CrdSpec {
  group: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  scope: 'Namespaced' | 'Cluster';
  versions: {
    name: string;
    served: boolean;
    storage: boolean;
    schema?: { openAPIV3Schema?: Schema };
    subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
    additionalPrinterColumns?: { name: string; type: string; jsonPath: string; priority?: number; description?: string; format?: string }[];
  }[];
}

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  default?: unknown;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  [key: string]: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops fields the structural schema does not declare (unless preserved), and applies `default`s. */
export function pruneAndDefault(value: unknown, schema: Schema | undefined, root = false): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) pruneAndDefault(item, schema.items);
    return;
  }
  if (!isRecord(value)) return;
  if (schema['x-kubernetes-int-or-string']) return;
  const properties = schema.properties ?? {};
  for (const [key, sub] of Object.entries(properties)) {
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
  }
  for (const key of Object.keys(value)) {
    // apiVersion, kind and metadata are always allowed at the root (and in embedded resources).
    if ((root || schema['x-kubernetes-embedded-resource']) && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const sub = properties[key];
    if (sub) pruneAndDefault(value[key], sub);
    else if (isRecord(schema.additionalProperties)) pruneAndDefault(value[key], schema.additionalProperties);
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true) delete value[key];
  }
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
// kube-openapi keywords ajv should not reject; their semantics are handled by pruning above.
for (const keyword of [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]) {
  ajv.addKeyword(keyword);
}

/** OpenAPI v3 → JSON Schema for ajv: `nullable` becomes a type union; int-or-string accepts both. */
function toJsonSchema(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && isRecord(v)) out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s as Schema)]));
    else if ((k === 'items' || k === 'not') && isRecord(v)) out[k] = toJsonSchema(v as Schema);
    else if (k === 'additionalProperties' && isRecord(v)) out[k] = toJsonSchema(v as Schema);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = v.map((s) => toJsonSchema(s as Schema));
    else if (k === 'nullable' || k === 'default' || k === 'example' || k === 'externalDocs') continue;
    else out[k] = v;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  // Kubernetes' root schema may describe metadata loosely; the server validates metadata itself.
  return out;
}

function describe(e: ErrorObject): { field: string; message: string } {
  const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  switch (e.keyword) {
    case 'required':
      return { field: `${base ? `${base}.` : ''}${String(e.params.missingProperty)}`, message: 'Required value' };
    case 'type':
      return { field: base || '<root>', message: `Invalid value: must be of type ${String(e.params.type)}` };
    case 'enum':
      return {
        field: base || '<root>',
        message: `Unsupported value: supported values: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { field: base || '<root>', message: `Invalid value: ${e.message ?? e.keyword}` };
  }
}

function jsonPathCell(path: string): TableColumn['cell'] {
  const parts = path.replace(/^\./, '').split('.');
  return (obj) => {
    let cur: unknown = obj;
    for (const p of parts) cur = isRecord(cur) ? cur[p] : undefined;
    if (cur === undefined || cur === null) return undefined;
    return typeof cur === 'object' ? JSON.stringify(cur) : (cur as string | number);
  };
}

/** A CRD whose `x-kubernetes-validations` do not compile; one problem per rule, each naming its schema path. */
export class CrdRulesError extends Error {
  override name = 'CrdRulesError';
  constructor(readonly problems: CompileProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join(', '));
  }
}

// The ResourceType interface is shared with the registry; the compiled CEL rules ride along
// beside it, so the CRD admission plugin (which sees the request's type) can find them.
const typeRules = new WeakMap<ResourceType, RuleNode>();

/** The compiled `x-kubernetes-validations` of a CRD-derived type, if it has any. */
export function celRulesOf(type: ResourceType): RuleNode | undefined {
  return typeRules.get(type);
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function crdTypes(spec: CrdSpec): ResourceType[] {
  const out: ResourceType[] = [];
  // The storage version first: it is the preferred version in discovery.
  const problems: CompileProblem[] = [];
  const rulesByVersion = new Map<string, RuleNode>();
  spec.versions.forEach((v, i) => {
    const compiled = compileVersionRules(v.schema?.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`);
    problems.push(...compiled.problems);
    if (compiled.node) rulesByVersion.set(v.name, compiled.node);
  });
  if (problems.length > 0) throw new CrdRulesError(problems);
  const versions = [...spec.versions].filter((v) => v.served).sort((a, b) => Number(b.storage) - Number(a.storage));
  for (const v of versions) {
    const schema = v.schema?.openAPIV3Schema;
    let validator: ValidateFunction | undefined;
    if (schema) {
      const { metadata: _m, ...properties } = schema.properties ?? {};
      validator = ajv.compile({ ...toJsonSchema({ ...schema, properties }) });
    }
    const columns: TableColumn[] = [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0, cell: (o) => o.metadata?.name },
      ...(v.additionalPrinterColumns ?? []).map(
        (c): TableColumn => ({
          name: c.name,
          type: (['string', 'integer', 'date', 'number', 'boolean'].includes(c.type) ? c.type : 'string') as TableColumn['type'],
          description: c.description ?? c.name,
          priority: c.priority ?? 0,
          cell: jsonPathCell(c.jsonPath),
          ...(c.format ? { format: c.format } : {}),
        }),
      ),
      ...(v.additionalPrinterColumns?.some((c) => c.jsonPath === '.metadata.creationTimestamp')
        ? []
        : [
            {
              name: 'Age',
              type: 'string' as const,
              description: 'Age',
              priority: 0,
              cell: (o: KubeObject, now: number) => (o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : undefined),
            },
          ]),
    ];
    const type: ResourceType = {
      group: spec.group,
      version: v.name,
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      verbs: VERBS,
      status: !!v.subresources?.status,
      ...(v.subresources?.scale ? { scale: v.subresources.scale } : {}),
      ...(schema ? { normalize: (obj: KubeObject) => pruneAndDefault(obj, schema, true) } : {}),
      mergeType: crdMergeType(schema),
      ...(schema ? { openApiSchema: schema } : {}),
      ...(validator
        ? {
            validate: async (obj: KubeObject) => {
              if (validator(obj)) return [];
              return (validator.errors ?? []).slice(0, 20).map(describe);
            },
          }
        : {}),
      columns,
    };
    const rules = rulesByVersion.get(v.name);
    if (rules) typeRules.set(type, rules);
    out.push(type);
  }
  return out;
}
