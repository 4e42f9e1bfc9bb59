import type { Permission } from '@atrium/core';
import type { Membership, Organization, PrismaClient } from '@atrium/db';
import type { z } from 'zod';
import type { SessionUser } from '../server/session.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * How a route authenticates:
 * - `public`: anyone (sign-up, password reset, the OpenAPI document);
 * - `user`: a signed-in person (session cookie or bearer token);
 * - `org`: a member of the org named by the `{org}` path parameter who holds
 *   `permission`. Non-members, unknown orgs and a token scoped to another
 *   org all get the same 404.
 */
export type RouteAuth = 'public' | 'user' | 'org';

export interface Principal {
  kind: 'session' | 'token';
  /** The API token, for token requests. */
  tokenId: string | null;
  /** The org a token is scoped to. */
  tokenOrgId: string | null;
}

export interface RouteServices {
  /** Sends a mail; failures are logged, not thrown, by the implementation the app wires in. */
  mail: {
    verification(to: string, token: string): Promise<void>;
    passwordReset(to: string, token: string): Promise<void>;
    invitation(to: string, o: { orgName: string; inviterEmail: string; role: string; token: string }): Promise<void>;
  };
  invitationSecret(): string;
}

export interface RouteContext<P, Q, B> {
  db: PrismaClient;
  params: P;
  query: Q;
  body: B;
  /** Set for `user` and `org` routes. */
  user: SessionUser;
  principal: Principal;
  /** Set for `org` routes. */
  org: Organization;
  membership: Membership;
  ip: string;
  services: RouteServices;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** OpenAPI-style template: `/orgs/{org}/teams/{teamId}`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  permission?: Permission;
  /** Refused for bearer tokens: actions a leaked token must not be able to take. */
  sessionOnly?: boolean;
  /** Signed-in but unverified users are refused. */
  requireVerifiedEmail?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status?: 200 | 201 | 202 | 204;
  handler(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  def: RouteDefinition<P, Q, B, R>,
): RouteDefinition<P, Q, B, R> {
  return def;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds routes of every shape.
export type AnyRoute = RouteDefinition<any, any, any, any>;
