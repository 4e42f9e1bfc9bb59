import { getRunRateHistory, type RunRateHistory } from '@atrium/db';
import type { z } from 'zod';
import { toCostNodeDto } from './cost-node.types.js';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZGetRunRateHistoryQuery, ZGetRunRateHistoryResponse } from './get-run-rate-history.types.js';

const DAY_MS = 86_400_000;

export function toRunRateHistoryDto(h: RunRateHistory): z.input<typeof ZGetRunRateHistoryResponse> {
  return {
    node: toCostNodeDto(h.node),
    since: h.since.toISOString(),
    startMicros: h.startMicros.toString(),
    points: h.points.map((p) => ({ at: p.at.toISOString(), runRateMicros: p.runRateMicros.toString() })),
  };
}

export const getRunRateHistoryRoutes = costNodeRoutes({
  what: 'history',
  summary: 'The run-rate over time (a point per admitted change)',
  query: ZGetRunRateHistoryQuery,
  response: ZGetRunRateHistoryResponse,
  async handler({ db, org, query }, node) {
    return toRunRateHistoryDto(await getRunRateHistory(db, { orgId: org.id, node, since: new Date(Date.now() - query.days * DAY_MS) }));
  },
});
