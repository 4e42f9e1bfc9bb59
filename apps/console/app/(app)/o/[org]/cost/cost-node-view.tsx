import { isAppError, subtreeIds } from '@atrium/core';
import { type CostNodeRef, getCostBreakdown, getRunRateHistory, listBudgetAlerts, listBudgetDenials, listBudgets } from '@atrium/db';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { toBudgetTreeDto } from '../../../../../src/api/routes/budgets/budget-tree';
import { toCostBreakdownDto } from '../../../../../src/api/routes/cost/get-cost-breakdown';
import { toRunRateHistoryDto } from '../../../../../src/api/routes/cost/get-run-rate-history';
import { toBudgetAlertDto } from '../../../../../src/api/routes/cost/list-budget-alerts';
import { toBudgetDenialDto } from '../../../../../src/api/routes/cost/list-budget-denials';
import { CostAlertsNotice } from '../../../../../src/components/cost-alerts-notice';
import { RunRateChart } from '../../../../../src/components/cost-chart';
import { CostPanel } from '../../../../../src/components/cost-panel';
import { CostPreview } from '../../../../../src/components/cost-preview';
import { CostAlerts, CostBreakdown, CostDenials, CostSummary } from '../../../../../src/components/cost-report';
import { PageHeader } from '../../../../../src/components/page-bits';
import { db } from '../../../../../src/server/db';
import type { OrgPageContext } from '../../../../../src/server/page-context';

const HISTORY_DAYS = 30;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The cost page of one node (org, team or cluster), read straight from the repositories the
 * /api/v1 cost routes use and shaped by the same DTO functions. Another org's id, like a
 * missing or malformed one, is a 404.
 */
export async function CostNodeView({ ctx, node }: { ctx: OrgPageContext; node: CostNodeRef }) {
  const id = node.scope === 'team' ? node.teamId : node.scope === 'cluster' ? node.clusterId : ctx.org.id;
  if (!ID.test(id)) notFound();
  const orgId = ctx.org.id;
  const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
  const loaded = await Promise.all([
    listBudgets(db(), { orgId }),
    getCostBreakdown(db(), { orgId, node }),
    getRunRateHistory(db(), { orgId, node, since }),
    listBudgetAlerts(db(), { orgId, node }),
    listBudgetDenials(db(), { orgId, node, limit: 20 }),
  ]).catch((e: unknown) => {
    if (isAppError(e) && e.code === 'NOT_FOUND') return null;
    throw e;
  });
  if (!loaded) notFound();
  const [budgetTree, breakdownRows, historyRows, alertRows, denialRows] = loaded;
  const tree = toBudgetTreeDto(budgetTree);
  const breakdown = toCostBreakdownDto(breakdownRows);
  const history = toRunRateHistoryDto(historyRows);
  const alerts = alertRows.alerts.map(toBudgetAlertDto);
  const denials = denialRows.denials.map(toBudgetDenialDto);
  const summary = breakdown.node;

  // The preview offers the live clusters under this node.
  const teamIds = node.scope === 'team' ? subtreeIds(budgetTree.teams, node.teamId) : null;
  const previewClusters = tree.clusters.filter(
    (c) => c.phase !== 'Failed' && (node.scope === 'cluster' ? c.id === node.clusterId : teamIds === null || teamIds.has(c.teamId)),
  );
  const base = `/o/${ctx.org.slug}/cost`;
  const title = node.scope === 'org' ? 'Cost' : `Cost of ${node.scope} ${summary.name}`;

  return (
    <>
      <PageHeader
        title={title}
        description={
          node.scope === 'org' ? (
            'Monthly run-rate and budgets on the org → teams → clusters tree. Every change in a cluster is checked against every budget above it.'
          ) : (
            <>
              <Link href={base}>All of {ctx.org.slug}</Link> · run-rate, budget and what it is made of
              {node.scope === 'team' ? ', sub-teams included' : ''}.
            </>
          )
        }
      />
      {/* Admins get the org-wide notice from the org layout already. */}
      {ctx.can('budget:write') ? null : <CostAlertsNotice alerts={alerts.filter((a) => a.active)} />}
      <CostSummary node={summary} />
      <section className="card" aria-label="Run-rate over time">
        <h2>Run-rate, last {HISTORY_DAYS} days</h2>
        <RunRateChart
          since={history.since}
          startMicros={history.startMicros}
          points={history.points}
          capMicros={summary.budget?.capMicros ?? null}
          nowMicros={summary.runRateMicros}
        />
      </section>
      <CostPanel
        org={ctx.org.slug}
        tree={tree}
        canEdit={ctx.can('budget:write')}
        root={node.scope === 'org' ? `org:${orgId}` : node.scope === 'team' ? `team:${node.teamId}` : `cluster:${node.clusterId}`}
      />
      <CostBreakdown breakdown={breakdown} org={ctx.org.slug} />
      <CostDenials denials={denials} />
      <CostAlerts alerts={alerts} />
      <CostPreview org={ctx.org.slug} clusters={previewClusters} teams={tree.teams} />
    </>
  );
}
