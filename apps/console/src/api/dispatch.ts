import { AppError, can, type Role } from '@atrium/core';
import { authenticateApiToken, findOrgMembership, type Membership, type Organization, type PrismaClient } from '@atrium/db';
import { z } from 'zod';
import type { SessionUser } from '../server/session.js';
import type { AnyRoute, HttpMethod, Principal, RouteServices } from './define-route.js';
import { errorResponse, readJsonBody, validationError } from './http.js';

export interface DispatchDeps {
  db: PrismaClient;
  services: RouteServices;
  sessionUser(cookieHeader: string | null): Promise<SessionUser | null>;
  /** Origins allowed to make cookie-authenticated state changes (besides the request's own host). */
  allowedOrigins: readonly string[];
  clientIp(req: Request): string;
  logError(err: unknown, req: Request): void;
}

export const API_PREFIX = '/api/v1';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Compiled {
  route: AnyRoute;
  regex: RegExp;
  names: string[];
}

const cache = new WeakMap<readonly AnyRoute[], Compiled[]>();

function compile(routes: readonly AnyRoute[]): Compiled[] {
  let compiled = cache.get(routes);
  if (!compiled) {
    compiled = routes.map((route) => {
      const names: string[] = [];
      const pattern = route.path
        .replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`))
        .replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        });
      return { route, regex: new RegExp(`^${pattern}/?$`), names };
    });
    cache.set(routes, compiled);
  }
  return compiled;
}

export function matchRoute(
  routes: readonly AnyRoute[],
  method: string,
  path: string,
): { route: AnyRoute; params: Record<string, string> } | { allow: string[] } | null {
  const allow: string[] = [];
  for (const c of compile(routes)) {
    const m = c.regex.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allow.push(c.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    c.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { route: c.route, params };
  }
  return allow.length ? { allow } : null;
}

function sameOrigin(req: Request, allowed: readonly string[]): boolean {
  const origin = req.headers.get('origin');
  if (origin) {
    if (origin === 'null') return false;
    const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
    try {
      const o = new URL(origin);
      if (host && o.host === host) return true;
      return allowed.some((a) => new URL(a).origin === o.origin);
    } catch {
      return false;
    }
  }
  // Browsers send Origin on every unsafe fetch and form post; without it, only an explicit same-origin fetch passes.
  return req.headers.get('sec-fetch-site') === 'same-origin';
}

function roleLabel(role: Role): string {
  return role === 'admin' || role === 'owner' ? `an ${role}` : `a ${role}`;
}

/** Runs one `/api/v1` request through auth, CSRF, validation and the route's handler. */
export async function dispatch(req: Request, routes: readonly AnyRoute[], deps: DispatchDeps): Promise<Response> {
  try {
    const url = new URL(req.url);
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
    const method = req.method.toUpperCase() as HttpMethod;
    const matched = matchRoute(routes, method, path);
    if (!matched) throw new AppError('NOT_FOUND', `No API route ${method} ${url.pathname}. See ${API_PREFIX}/openapi.json.`);
    if ('allow' in matched) {
      const res = errorResponse(new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed here. Allowed: ${matched.allow.join(', ')}.`));
      res.headers.set('allow', matched.allow.join(', '));
      return res;
    }
    const { route, params: rawParams } = matched;
    const unsafe = UNSAFE.has(method);

    // Authentication: a bearer token wins over a cookie, and a bad token is never silently ignored.
    let user: SessionUser | null = null;
    let principal: Principal | null = null;
    let tokenOrg: Organization | null = null;
    let tokenMembership: Membership | null = null;
    const authz = req.headers.get('authorization');
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const found = m?.[1] ? await authenticateApiToken(deps.db, { token: m[1] }) : null;
      if (!found) throw new AppError('UNAUTHENTICATED', 'The API token is invalid, expired or revoked.');
      user = {
        id: found.user.id,
        email: found.user.email,
        name: found.user.name,
        emailVerified: !!found.user.emailVerified,
        isPlatformAdmin: found.user.isPlatformAdmin,
      };
      principal = { kind: 'token', tokenId: found.tokenId, tokenOrgId: found.org.id };
      tokenOrg = found.org;
      tokenMembership = found.membership;
    } else {
      user = await deps.sessionUser(req.headers.get('cookie'));
      if (user) principal = { kind: 'session', tokenId: null, tokenOrgId: null };
    }

    // CSRF: state changes carried by a browser cookie must come from our own pages.
    if (unsafe && principal?.kind !== 'token' && (user || req.headers.get('origin')) && !sameOrigin(req, deps.allowedOrigins)) {
      throw new AppError('FORBIDDEN', 'Cross-site request refused (CSRF protection). Use the console, or an API token.');
    }

    if (route.auth !== 'public' && (!user || !principal))
      throw new AppError('UNAUTHENTICATED', 'Sign in, or send an API token as "Authorization: Bearer <token>".');

    // Path parameters: malformed ids answer exactly like missing ones.
    let params: unknown = rawParams;
    if (route.params) {
      const parsed = (route.params as z.ZodType).safeParse(rawParams);
      if (!parsed.success) throw new AppError('NOT_FOUND', 'Not found.');
      params = parsed.data;
    }

    let org: Organization | null = null;
    let membership: Membership | null = null;
    if (route.auth === 'org') {
      const slug = rawParams.org;
      if (!slug || !user) throw new AppError('NOT_FOUND', 'Organisation not found.');
      if (principal?.kind === 'token') {
        if (tokenOrg?.slug !== slug) throw new AppError('NOT_FOUND', 'Organisation not found.');
        org = tokenOrg;
        membership = tokenMembership;
      } else {
        const found = await findOrgMembership(deps.db, { slug, userId: user.id });
        if (!found) throw new AppError('NOT_FOUND', 'Organisation not found.');
        org = found.org;
        membership = found.membership;
      }
      if (route.permission && !can(membership?.role, route.permission)) {
        throw new AppError('FORBIDDEN', `As ${roleLabel(membership!.role)} you cannot do this (needs ${route.permission}).`);
      }
    }

    // After the org is resolved, so another org's URL answers 404 whatever the credential.
    if (route.sessionOnly && principal?.kind === 'token')
      throw new AppError('FORBIDDEN', 'This action needs a signed-in browser session: API tokens cannot perform it.');
    if (route.requireVerifiedEmail && user && !user.emailVerified) throw new AppError('FORBIDDEN', 'Verify your email address first: we sent you a link.');

    let query: unknown = {};
    if (route.query) {
      const parsed = (route.query as z.ZodType).safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw validationError(parsed.error, 'query');
      query = parsed.data;
    }
    let body: unknown;
    if (route.body) {
      const raw = await readJsonBody(req);
      const parsed = (route.body as z.ZodType).safeParse(raw ?? {});
      if (!parsed.success) throw validationError(parsed.error, 'body');
      body = parsed.data;
    }

    const result = await route.handler({
      db: deps.db,
      params,
      query,
      body,
      user: user as SessionUser,
      principal: principal as Principal,
      org: org as Organization,
      membership: membership as Membership,
      ip: deps.clientIp(req),
      services: deps.services,
    });
    const status = route.status ?? 200;
    if (status === 204) return new Response(null, { status });
    // Responses go through their schema: a field the DTO does not declare never leaks.
    const out = (route.response as z.ZodType).parse(result);
    return Response.json(out, { status, headers: { 'cache-control': 'no-store' } });
  } catch (e) {
    return errorResponse(e, (err) => deps.logError(err, req));
  }
}

export const emptyResponse = z.null();
