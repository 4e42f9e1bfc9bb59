import { describe, expect, it } from 'vitest';
import { matchRoute } from './dispatch.js';
import { buildOpenApiDocument } from './openapi.js';
import { allApiRoutes } from './registry.js';

describe('the route registry and its OpenAPI document', () => {
  const doc = buildOpenApiDocument(allApiRoutes, '/api/v1') as { paths: Record<string, Record<string, Record<string, unknown>>> };

  it('has one route per method and path', () => {
    const keys = allApiRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('documents every route, with request bodies and responses from its zod schemas', () => {
    for (const r of allApiRoutes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op?.summary).toBe(r.summary);
      if (r.body) expect(op?.requestBody, `${r.method} ${r.path} body`).toBeDefined();
      expect(Object.keys(op?.responses as object)).toContain(String(r.status ?? 200));
    }
    const createTeam = doc.paths['/orgs/{org}/teams']?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> };
    };
    const schema = createTeam.requestBody.content['application/json']!.schema;
    expect(Object.keys(schema.properties).sort()).toEqual(['name', 'parentId', 'slug']);
    expect(schema.required.sort()).toEqual(['name', 'slug']);
    expect(() => JSON.stringify(doc)).not.toThrow();
  });

  it('never lets an org route skip its permission', () => {
    for (const r of allApiRoutes.filter((x) => x.auth === 'org')) expect(r.permission, `${r.method} ${r.path}`).toBeTruthy();
    for (const r of allApiRoutes.filter((x) => x.path.includes('{org}'))) expect(r.auth, `${r.method} ${r.path}`).toBe('org');
  });

  it('matches paths, and tells a wrong method from a missing route', () => {
    expect(matchRoute(allApiRoutes, 'GET', '/orgs/acme/teams')).toMatchObject({ params: { org: 'acme' } });
    expect(matchRoute(allApiRoutes, 'DELETE', '/orgs/acme/teams/t1/members/m1')).toMatchObject({ params: { org: 'acme', teamId: 't1', memberId: 'm1' } });
    expect(matchRoute(allApiRoutes, 'PUT', '/orgs/acme/teams')).toEqual({ allow: ['GET', 'POST'] });
    expect(matchRoute(allApiRoutes, 'GET', '/orgs/acme/nothing')).toBeNull();
  });
});
