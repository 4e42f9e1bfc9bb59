import { formatMonthlyMicros } from '@atrium/core';
import type { ResolvedCostNode } from '@atrium/db';
import { z } from 'zod';
import { ZId, ZMicros, ZOrgParams } from '../../dto.js';
import { budgetView, ZBudgetView } from '../budgets/budget-view.js';

/** The three ways a cost report names its node: the org, a team (with its sub-teams), a cluster. */
export const ZOrgNodeParams = ZOrgParams;
export const ZTeamNodeParams = ZOrgParams.extend({ teamId: ZId });
export const ZClusterNodeParams = ZOrgParams.extend({ clusterId: ZId });

export const ZCostNode = z.object({
  scope: z.enum(['org', 'team', 'cluster']),
  id: z.string().meta({ description: 'the org, team or cluster id' }),
  name: z.string().meta({ description: 'org slug, team slug or cluster name' }),
  runRateMicros: ZMicros.meta({ description: 'the monthly run-rate under this node' }),
  runRate: z.string().meta({ example: '$4.50/mo' }),
  budget: ZBudgetView.nullable().meta({ description: 'null: no budget on this node (bounded by the budgets above it)' }),
});

export function toCostNodeDto(n: ResolvedCostNode): z.input<typeof ZCostNode> {
  return {
    scope: n.scope,
    id: n.id,
    name: n.name,
    runRateMicros: n.runRateMicros.toString(),
    runRate: formatMonthlyMicros(n.runRateMicros),
    budget: n.capMicros === null ? null : budgetView(n.capMicros, n.runRateMicros),
  };
}
