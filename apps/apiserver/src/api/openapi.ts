import { createHash } from 'node:crypto';
import type { ClusterResources } from '../registry/registry.js';
import { apiVersionOf, type ResourceType } from '../registry/types.js';

import { type FieldSpec, isStructDef, loadKubeTypes, type TypeDef, type TypeSpec } from '../schema/kube-types.js';

/**
 * OpenAPI v3 as kube-apiserver serves it, per group/version: every PATCH
 * operation carries the GVK and the `fieldValidation` parameter (kubectl's
 * default `--validate=strict` then relies on this server, which validates
 * every write). Built-in kinds get Kubernetes' own schemas with descriptions
 * (from schema/kube-types.json), so `kubectl explain` prints real field
 * documentation and client-side `kubectl apply` reads patch strategies and
 * merge keys (`x-kubernetes-patch-strategy`/`-merge-key`) as from
 * kube-apiserver; custom resources get their CRD's openAPIV3Schema; other
 * kinds (kcp's) an object schema that preserves unknown fields.
 */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** Formats kube-openapi publishes; the generated schema's `quantity`/`duration` are plain strings there. */
const PUBLISHED_FORMATS = new Set(['int32', 'int64', 'double', 'byte', 'date-time', 'int-or-string']);

type Json = Record<string, unknown>;

function schemaName(t: ResourceType): string {
  const group = t.group === '' ? 'core' : t.group.split('.')[0];
  return `io.k8s.api.${group}.${t.version}.${t.kind}`;
}

/** OpenAPI for one generated type spec; `refs` collects the named types it uses. */
function specSchema(spec: TypeSpec, refs: Set<string>): Json {
  if ('scalar' in spec) return { type: spec.scalar, ...(spec.format && PUBLISHED_FORMATS.has(spec.format) ? { format: spec.format } : {}) };
  if ('ref' in spec) {
    refs.add(spec.ref);
    return { $ref: `#/components/schemas/${spec.ref}` };
  }
  if ('list' in spec) {
    return {
      type: 'array',
      items: specSchema(spec.list, refs),
      'x-kubernetes-list-type': spec.listType,
      ...(spec.keys ? { 'x-kubernetes-list-map-keys': spec.keys } : {}),
    };
  }
  if ('map' in spec)
    return { type: 'object', additionalProperties: specSchema(spec.map, refs), ...(spec.mapType === 'atomic' ? { 'x-kubernetes-map-type': 'atomic' } : {}) };
  return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
}

function fieldSchema(field: FieldSpec, refs: Set<string>): Json {
  const base = specSchema(field, refs);
  // A $ref cannot have siblings in OpenAPI 3.0: kube-openapi wraps it in allOf to carry the description.
  const out: Json = '$ref' in base ? { allOf: [base] } : base;
  if (field.description) out.description = field.description;
  if (field.default !== undefined) out.default = field.default;
  if (field.patchStrategy) out['x-kubernetes-patch-strategy'] = field.patchStrategy;
  if (field.patchMergeKey) out['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
  return out;
}

function defSchema(def: TypeDef, refs: Set<string>): Json {
  if (!isStructDef(def)) return { ...specSchema(def, refs), ...(def.description ? { description: def.description } : {}) };
  const properties: Json = {};
  for (const [name, field] of Object.entries(def.fields)) properties[name] = fieldSchema(field, refs);
  return {
    type: 'object',
    ...(def.description ? { description: def.description } : {}),
    properties,
    ...(def.required && def.required.length > 0 ? { required: def.required } : {}),
    ...(def.structType === 'atomic' ? { 'x-kubernetes-map-type': 'atomic' } : {}),
  };
}

/** The named types a built-in kind's schema reaches, as components. */
function addKubeSchemas(root: string, schemas: Json): void {
  const types = loadKubeTypes().types;
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (name in schemas) continue;
    const def = types[name];
    if (!def) continue;
    const refs = new Set<string>();
    schemas[name] = defSchema(def, refs);
    for (const r of refs) if (!(r in schemas)) queue.push(r);
  }
}

/** A CRD's structural schema, with metadata as ObjectMeta (which the CRD never spells out). */
function crdSchema(schema: Json, schemas: Json): Json {
  addKubeSchemas(OBJECT_META, schemas);
  const properties = { ...((schema.properties as Json | undefined) ?? {}) };
  properties.apiVersion ??= { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  properties.kind ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  properties.metadata = { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], description: "Standard object's metadata." };
  return { ...schema, type: 'object', properties };
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export function openApiGroupVersion(resources: ClusterResources, group: string, version: string) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of resources.inGroupVersion(group, version)) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const kubeName = loadKubeTypes().kinds[`${apiVersionOf(t)}/${t.kind}`];
    const name = kubeName ?? schemaName(t);
    const ref = { $ref: `#/components/schemas/${name}` };
    if (kubeName) addKubeSchemas(kubeName, schemas);
    else if (t.openApiSchema) schemas[name] = crdSchema(t.openApiSchema, schemas);
    else {
      addKubeSchemas(OBJECT_META, schemas);
      schemas[name] = {
        type: 'object',
        description: `${t.kind} (schema served by Atrium: fields are validated server-side).`,
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }] },
        },
        'x-kubernetes-preserve-unknown-fields': true,
      };
    }
    schemas[name] = { ...(schemas[name] as Json), 'x-kubernetes-group-version-kind': [gvk] };
    const json = { 'application/json': { schema: ref } };
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      responses: { '200': { description: 'OK', content: json } },
      ...extra,
    });
    paths[base] = {
      get: op('list'),
      ...(t.verbs.includes('create') ? { post: op('post', { parameters: WRITE_PARAMS, requestBody: { content: json } }) } : {}),
    };
    if (!t.virtual) {
      paths[`${base}/{name}`] = {
        get: op('get'),
        put: op('put', { parameters: WRITE_PARAMS, requestBody: { content: json } }),
        delete: op('delete'),
        patch: op('patch', {
          parameters: [...WRITE_PARAMS, { name: 'force', in: 'query', schema: { type: 'boolean' } }],
          requestBody: {
            content: {
              'application/json-patch+json': { schema: { type: 'object' } },
              'application/merge-patch+json': { schema: { type: 'object' } },
              'application/apply-patch+yaml': { schema: { type: 'object' } },
            },
          },
        }),
      };
    }
  }
  return { openapi: '3.0.0', info: { title: 'Atrium', version: 'v1.35.0' }, paths, components: { schemas } };
}

/** Changes whenever the generated schemas do, so clients' cached documents are refreshed. */
const SCHEMA_VERSION = `${JSON.stringify(loadKubeTypes()._provenance.sources)}/openapi-2`;

/** The v3 root: one entry per group/version, with a content hash so clients can cache. */
export function openApiRoot(resources: ClusterResources) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of resources.groups()) {
    for (const version of versions) {
      const hash = createHash('sha256')
        .update(SCHEMA_VERSION)
        .update(JSON.stringify(resources.inGroupVersion(group, version).map((t) => [t.plural, t.kind, t.namespaced, t.verbs, t.openApiSchema ?? null])))
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
    }
  }
  return { paths };
}
