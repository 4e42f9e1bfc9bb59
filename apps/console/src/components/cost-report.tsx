import Link from 'next/link';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import type { ZCostNode } from '../api/routes/cost/cost-node.types';
import type { ZGetCostBreakdownResponse } from '../api/routes/cost/get-cost-breakdown.types';
import type { BudgetAlertDto } from '../api/routes/cost/list-budget-alerts';
import type { BudgetDenialDto } from '../api/routes/cost/list-budget-denials';
import { formatDate } from './page-bits';

type CostNodeDto = z.input<typeof ZCostNode>;
type BreakdownDto = z.input<typeof ZGetCostBreakdownResponse>;

/** Run-rate, budget, headroom and use of one node; an over-budget node says by how much. */
export function CostSummary({ node }: { node: CostNodeDto }) {
  const b = node.budget;
  const over = b?.status === 'over';
  const stat = (label: string, value: string, testId: string, tone?: 'over' | 'warning') => (
    <div className="card" style={{ flex: '1 1 10rem', margin: 0 }}>
      <div className="small muted">{label}</div>
      <div
        data-testid={testId}
        style={{ fontSize: '1.35rem', fontWeight: 600, color: tone === 'over' ? '#c53030' : tone === 'warning' ? '#b7791f' : undefined }}
      >
        {value}
      </div>
    </div>
  );
  return (
    <section aria-label="Summary" className="row" style={{ gap: '0.75rem', flexWrap: 'wrap', marginBottom: '1rem' }}>
      {stat('Run-rate', node.runRate, 'cost-run-rate')}
      {stat('Budget', b ? b.cap : 'no budget', 'cost-budget')}
      {stat(
        over ? 'Over budget by' : 'Headroom',
        b ? (over ? b.headroom.replace(/^-/, '') : b.headroom) : 'bounded by the budgets above',
        'cost-headroom',
        over ? 'over' : undefined,
      )}
      {stat(
        'Used',
        b ? (b.percent === null ? (over ? 'over' : '—') : `${b.percent} %${over ? ' · over budget' : ''}`) : '—',
        'cost-used',
        over ? 'over' : b?.status === 'warning' ? 'warning' : undefined,
      )}
    </section>
  );
}

/** A titled card that says `empty` instead of its table when there is nothing to list. */
function ReportCard({ title, empty, children }: { title: string; empty: string | null; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {empty === null ? children : <p className="muted">{empty}</p>}
    </section>
  );
}

function ReportTable({ label, headers, children }: { label: string; headers: string[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** What the run-rate is made of, by namespace and by kind. */
export function CostBreakdown({ breakdown, org }: { breakdown: BreakdownDto; org: string }) {
  const multiCluster = breakdown.node.scope !== 'cluster';
  return (
    <ReportCard title="Breakdown" empty={breakdown.byKind.length === 0 ? 'Nothing with a price runs here yet.' : null}>
      <div className="grid-2">
        <ReportTable label="By namespace" headers={[...(multiCluster ? ['Cluster'] : []), 'Namespace', 'Objects', 'Monthly']}>
          {breakdown.byNamespace.map((r) => (
            <tr key={`${r.clusterId}/${r.namespace}`}>
              {multiCluster ? (
                <td>
                  <Link href={`/o/${org}/cost/clusters/${r.clusterId}`}>{r.cluster}</Link>
                </td>
              ) : null}
              <td className="mono small">{r.namespace || <span className="muted">cluster-wide and base fee</span>}</td>
              <td>{r.objects}</td>
              <td>{r.price}</td>
            </tr>
          ))}
        </ReportTable>
        <ReportTable label="By kind" headers={['Kind', 'Objects', 'Monthly']}>
          {breakdown.byKind.map((r) => (
            <tr key={r.kind}>
              <td>{r.kind === 'LogicalCluster' ? 'Cluster base fee' : r.kind}</td>
              <td>{r.objects}</td>
              <td>{r.price}</td>
            </tr>
          ))}
        </ReportTable>
      </div>
    </ReportCard>
  );
}

/** Changes the API server refused for budget reasons: who, the exact message, when. */
export function CostDenials({ denials }: { denials: BudgetDenialDto[] }) {
  return (
    <ReportCard title="Recent budget denials" empty={denials.length === 0 ? 'No change has been refused for budget reasons.' : null}>
      <ReportTable label="Budget denials" headers={['When', 'Who', 'Cluster', 'Refused because']}>
        {denials.map((d) => (
          <tr key={d.id} data-testid="budget-denial">
            <td className="small">{formatDate(d.createdAt)}</td>
            <td className="small">{d.username}</td>
            <td className="small">
              {d.team}/{d.cluster}
            </td>
            <td className="small">{d.message}</td>
          </tr>
        ))}
      </ReportTable>
    </ReportCard>
  );
}

export function CostAlerts({ alerts }: { alerts: BudgetAlertDto[] }) {
  return (
    <ReportCard title="Budget alerts" empty={alerts.length === 0 ? 'No budget has crossed 50 %, 80 % or 100 % of its cap.' : null}>
      <ReportTable label="Alerts" headers={['When', 'Alert', 'Mailed']}>
        {alerts.map((a) => (
          <tr key={a.id}>
            <td className="small">{formatDate(a.createdAt)}</td>
            <td className="small">
              {a.message} {a.active ? <span className="badge">current</span> : null}
            </td>
            <td className="small muted">{a.notifiedAt ? formatDate(a.notifiedAt) : 'pending'}</td>
          </tr>
        ))}
      </ReportTable>
    </ReportCard>
  );
}
