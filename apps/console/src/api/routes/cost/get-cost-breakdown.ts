import { formatMonthlyMicros } from '@atrium/core';
import { type CostBreakdown, getCostBreakdown } from '@atrium/db';
import type { z } from 'zod';
import { toCostNodeDto } from './cost-node.types.js';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZGetCostBreakdownResponse } from './get-cost-breakdown.types.js';

function grouped<T>(rows: T[], key: (r: T) => string, amount: (r: T) => { objects: number; priceMicros: bigint }) {
  const out = new Map<string, { first: T; objects: number; priceMicros: bigint }>();
  for (const r of rows) {
    const k = key(r);
    const a = amount(r);
    const g = out.get(k) ?? { first: r, objects: 0, priceMicros: 0n };
    g.objects += a.objects;
    g.priceMicros += a.priceMicros;
    out.set(k, g);
  }
  return [...out.values()].sort((a, b) => (a.priceMicros === b.priceMicros ? 0 : a.priceMicros > b.priceMicros ? -1 : 1));
}

/** The breakdown as the API and the cost pages show it: by namespace and by kind, most expensive first. */
export function toCostBreakdownDto(b: CostBreakdown): z.input<typeof ZGetCostBreakdownResponse> {
  const line = (g: { objects: number; priceMicros: bigint }) => ({
    objects: g.objects,
    priceMicros: g.priceMicros.toString(),
    price: formatMonthlyMicros(g.priceMicros),
  });
  return {
    node: toCostNodeDto(b.node),
    byNamespace: grouped(
      b.rows,
      (r) => `${r.clusterId}/${r.namespace}`,
      (r) => r,
    ).map((g) => ({ clusterId: g.first.clusterId, cluster: g.first.clusterName, namespace: g.first.namespace, ...line(g) })),
    byKind: grouped(
      b.rows,
      (r) => r.kind,
      (r) => r,
    ).map((g) => ({ kind: g.first.kind, ...line(g) })),
  };
}

export const getCostBreakdownRoutes = costNodeRoutes({
  what: 'breakdown',
  summary: 'What the run-rate is made of, by namespace and by kind',
  response: ZGetCostBreakdownResponse,
  async handler({ db, org }, node) {
    return toCostBreakdownDto(await getCostBreakdown(db, { orgId: org.id, node }));
  },
});
