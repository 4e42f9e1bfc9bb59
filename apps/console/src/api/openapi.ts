import { z } from 'zod';
import type { AnyRoute } from './define-route.js';
import { errorBodySchema } from './http.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as JsonSchema;
  delete out.$schema;
  return out;
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Malformed request (bad JSON)',
  '401': 'Not signed in, or the token is invalid',
  '403': 'Signed in, but not allowed',
  '404': 'Not found (also for other orgs’ ids)',
  '409': 'Conflicts with the current state',
  '410': 'Link expired or already used',
  '413': 'Body too large',
  '415': 'Body is not JSON',
  '422': 'Validation failed (details.fields has per-field messages)',
  '429': 'Throttled',
};

/** The OpenAPI 3.1 document, generated from the routes' zod schemas. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorSchema = schemaOf(errorBodySchema, 'output');
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/\{(\w+)\}/g)) parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
    if (r.query) {
      const q = schemaOf(r.query as z.ZodType, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: q.required?.includes(name) ?? false,
          schema,
          ...(schema.description ? { description: schema.description } : {}),
        });
      }
    }
    const status = String(r.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]:
        status === '204'
          ? { description: 'No content' }
          : { description: 'OK', content: { 'application/json': { schema: schemaOf(r.response as z.ZodType, 'output') } } },
    };
    for (const [code, description] of Object.entries(ERROR_STATUSES))
      responses[code] = { description, content: { 'application/json': { schema: errorSchema } } };
    const security = r.auth === 'public' ? [] : r.sessionOnly ? [{ session: [] }] : [{ bearer: [] }, { session: [] }];
    const pathItem = paths[r.path] ?? {};
    paths[r.path] = pathItem;
    pathItem[r.method.toLowerCase()] = {
      operationId: `${r.method.toLowerCase()}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      security,
      ...(r.permission ? { 'x-atrium-permission': r.permission } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body as z.ZodType, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Atrium console API',
      version: '1.0.0',
      description:
        'Orgs, members, invitations, teams, API tokens and the audit log. Authenticate with a personal API token (`Authorization: Bearer atr_…`, scoped to one org) or the console session cookie. Errors are `{ "error": { "code", "message", "details?" } }`.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token from Settings → API tokens' },
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
      },
    },
    paths,
  };
}
