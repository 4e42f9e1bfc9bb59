import { getRunRateHistory } from '@atrium/db';
import { toCostNodeDto } from './cost-node.types.js';
import { costNodeRoutes } from './cost-node-routes.js';
import { ZGetRunRateHistoryQuery, ZGetRunRateHistoryResponse } from './get-run-rate-history.types.js';

const DAY_MS = 86_400_000;

export const getRunRateHistoryRoutes = costNodeRoutes({
  what: 'history',
  summary: 'The run-rate over time (a point per admitted change)',
  query: ZGetRunRateHistoryQuery,
  response: ZGetRunRateHistoryResponse,
  async handler({ db, org, query }, node) {
    const h = await getRunRateHistory(db, { orgId: org.id, node, since: new Date(Date.now() - query.days * DAY_MS) });
    return {
      node: toCostNodeDto(h.node),
      since: h.since.toISOString(),
      startMicros: h.startMicros.toString(),
      points: h.points.map((p) => ({ at: p.at.toISOString(), runRateMicros: p.runRateMicros.toString() })),
    };
  },
});
