import type { CostNodeRef } from '@atrium/db';
import type { z } from 'zod';
import { type AnyRoute, defineRoute, type RouteContext } from '../../define-route.js';
import { ZClusterNodeParams, ZOrgNodeParams, ZTeamNodeParams } from './cost-node.types.js';

interface NodeReport<Q extends z.ZodType, R extends z.ZodType> {
  /** The last path segment: `/orgs/{org}/cost/<what>`, `/orgs/{org}/cost/teams/{teamId}/<what>`, … */
  what: string;
  summary: string;
  query?: Q;
  response: R;
  handler(ctx: RouteContext<unknown, z.output<Q>, unknown>, node: CostNodeRef): Promise<z.input<R>>;
}

/**
 * One cost report as three read routes, one per kind of node. The node is a path parameter (not
 * a query parameter) so the generated cross-tenant suite attacks every report with another
 * org's team and cluster ids.
 */
export function costNodeRoutes<Q extends z.ZodType, R extends z.ZodType>(r: NodeReport<Q, R>): AnyRoute[] {
  const common = { method: 'GET' as const, tag: 'cost', auth: 'org' as const, permission: 'cost:read' as const, response: r.response };
  const query = r.query ? { query: r.query } : {};
  return [
    defineRoute({
      ...common,
      ...query,
      path: `/orgs/{org}/cost/${r.what}`,
      summary: `${r.summary}: the whole org`,
      params: ZOrgNodeParams,
      handler: (ctx) => r.handler(ctx as RouteContext<unknown, z.output<Q>, unknown>, { scope: 'org' }),
    }),
    defineRoute({
      ...common,
      ...query,
      path: `/orgs/{org}/cost/teams/{teamId}/${r.what}`,
      summary: `${r.summary}: a team and its sub-teams`,
      params: ZTeamNodeParams,
      handler: (ctx) => r.handler(ctx as RouteContext<unknown, z.output<Q>, unknown>, { scope: 'team', teamId: ctx.params.teamId }),
    }),
    defineRoute({
      ...common,
      ...query,
      path: `/orgs/{org}/cost/clusters/{clusterId}/${r.what}`,
      summary: `${r.summary}: one cluster`,
      params: ZClusterNodeParams,
      handler: (ctx) => r.handler(ctx as RouteContext<unknown, z.output<Q>, unknown>, { scope: 'cluster', clusterId: ctx.params.clusterId }),
    }),
  ];
}
