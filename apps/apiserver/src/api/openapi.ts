import { createHash } from 'node:crypto';
import type { ClusterResources } from '../registry/registry.js';
import type { ResourceType } from '../registry/types.js';

/**
 * OpenAPI v3, enough for kubectl: every PATCH operation carries the GVK and
 * the `fieldValidation` parameter, so kubectl (--validate=strict, the
 * default) delegates validation to this server, which validates every write
 * against the kubernetes-models schemas. Schemas preserve unknown fields
 * instead of describing every property, and PATCH does not advertise
 * strategic merge, so `kubectl apply` computes strategic patches from its
 * compiled-in types (exactly as it does against a real API server).
 */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

function schemaName(t: ResourceType): string {
  const group = t.group === '' ? 'core' : t.group.split('.')[0];
  return `io.k8s.api.${group}.${t.version}.${t.kind}`;
}

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

export function openApiGroupVersion(resources: ClusterResources, group: string, version: string) {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of resources.inGroupVersion(group, version)) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
    schemas[schemaName(t)] = {
      type: 'object',
      description: `${t.kind} (schema served by Atrium: fields are validated server-side).`,
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': [gvk],
    };
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

/** The v3 root: one entry per group/version, with a content hash so clients can cache. */
export function openApiRoot(resources: ClusterResources) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of resources.groups()) {
    for (const version of versions) {
      const hash = createHash('sha256')
        .update(JSON.stringify(resources.inGroupVersion(group, version).map((t) => [t.plural, t.kind, t.namespaced, t.verbs])))
        .digest('hex')
        .slice(0, 32)
        .toUpperCase();
      paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
    }
  }
  return { paths };
}
