'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, api } from './api-client';
import { dollarsToMicros, microsToDollars } from './money-input';

/** Amounts arrive formatted by the server (core's formatMicros); the browser never formats money. */
export interface BudgetViewProps {
  capMicros: string;
  cap: string;
  committed: string;
  percent: number | null;
  headroom: string;
  status: 'ok' | 'warning' | 'over';
}

export interface CostTreeProps {
  org: { id: string; slug: string; name: string; budget: BudgetViewProps | null };
  teams: Array<{ id: string; parentId: string | null; slug: string; name: string; budget: BudgetViewProps | null }>;
  clusters: Array<{ id: string; name: string; teamId: string; phase: string; budget: BudgetViewProps | null }>;
}

type Target = { scope: 'org' } | { scope: 'team'; teamId: string } | { scope: 'cluster'; clusterId: string };

interface Row {
  key: string;
  label: string;
  kind: 'org' | 'team' | 'cluster';
  depth: number;
  target: Target;
  budget: BudgetViewProps | null;
}

function rowsOf(tree: CostTreeProps): Row[] {
  const rows: Row[] = [{ key: `org:${tree.org.id}`, label: tree.org.name, kind: 'org', depth: 0, target: { scope: 'org' }, budget: tree.org.budget }];
  const visit = (parentId: string | null, depth: number) => {
    for (const t of tree.teams.filter((x) => x.parentId === parentId).sort((a, b) => a.name.localeCompare(b.name))) {
      rows.push({ key: `team:${t.id}`, label: t.name, kind: 'team', depth, target: { scope: 'team', teamId: t.id }, budget: t.budget });
      for (const c of tree.clusters.filter((x) => x.teamId === t.id)) {
        rows.push({
          key: `cluster:${c.id}`,
          label: c.name,
          kind: 'cluster',
          depth: depth + 1,
          target: { scope: 'cluster', clusterId: c.id },
          budget: c.budget,
        });
      }
      visit(t.id, depth + 1);
    }
  };
  visit(null, 1);
  return rows;
}

const STATUS_COLOUR = { ok: '#2f855a', warning: '#b7791f', over: '#c53030' } as const;

/** Committed against cap, with marks at 80 % (warnings start) and 100 % (admission refuses). */
function BudgetBar({ budget, label }: { budget: BudgetViewProps; label: string }) {
  // The bar spans 0–125 % so that an over-budget node still shows by how much.
  const scale = (p: number) => `${(Math.min(p, 125) / 125) * 100}%`;
  const percent = budget.percent ?? (budget.status === 'over' ? 125 : 0);
  return (
    <div
      // A drawing of the numbers next to it; the label carries them for screen readers.
      role="img"
      aria-label={`${label}: ${budget.committed} of ${budget.cap}`}
      style={{ position: 'relative', height: '0.6rem', width: '12rem', background: '#e2e8f0', borderRadius: 3 }}
    >
      <div style={{ width: scale(percent), height: '100%', background: STATUS_COLOUR[budget.status], borderRadius: 3 }} />
      <div title="80 %" style={{ position: 'absolute', left: scale(80), top: -2, bottom: -2, width: 1, background: '#4a5568' }} />
      <div title="100 %" style={{ position: 'absolute', left: scale(100), top: -3, bottom: -3, width: 2, background: '#1a202c' }} />
    </div>
  );
}

export function CostPanel({ org, tree, canEdit }: { org: string; tree: CostTreeProps; canEdit: boolean }) {
  const rows = useMemo(() => rowsOf(tree), [tree]);
  return (
    <>
      <section className="card" aria-label="Budgets">
        <h2>Budgets and run-rate</h2>
        <p className="muted small">
          A budget is a monthly cap on what may run under a node. A child’s budget may be larger than its parent’s: that is allowed on paper, but never lets
          more through, because admission checks every budget above a cluster too. A budget below what is committed is allowed; from then on only changes that
          lower cost are admitted.
        </p>
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Committed</th>
              <th>Budget</th>
              <th>Use</th>
              <th>Headroom</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <BudgetRow key={row.key} org={org} row={row} canEdit={canEdit} />
            ))}
          </tbody>
        </table>
      </section>
      <CostPreview org={org} clusters={tree.clusters.filter((c) => c.phase !== 'Failed')} teams={tree.teams} />
    </>
  );
}

function BudgetRow({ org, row, canEdit }: { org: string; row: Row; canEdit: boolean }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(microsToDollars(row.budget?.capMicros ?? null));
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const b = row.budget;

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    let capMicros: string | null;
    try {
      capMicros = dollarsToMicros(value);
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    setBusy(true);
    try {
      const res = await api<{ notes: string[] }>(`/orgs/${org}/budgets`, { method: 'PUT', body: { ...row.target, capMicros } });
      setNotes(res.notes);
      setEditing(false);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <tr data-testid={`budget-${row.kind}-${row.label}`}>
      <td style={{ paddingLeft: `${row.depth * 1.25 + 0.25}rem` }}>
        <span className="muted small">{row.kind}</span> <strong>{row.label}</strong>
      </td>
      <td>{b ? b.committed : <span className="muted small">not tracked without a budget</span>}</td>
      <td>
        {editing ? (
          <form onSubmit={save} className="row" aria-label={`Budget of ${row.kind} ${row.label}`} style={{ gap: '0.35rem' }}>
            <label className="small">
              $ / month{' '}
              <input
                name="cap"
                value={value}
                onChange={(e) => setValue(e.target.value)}
                placeholder="no cap"
                inputMode="decimal"
                style={{ width: '7rem' }}
                // biome-ignore lint/a11y/noAutofocus: opened by the admin's click on Edit.
                autoFocus
              />
            </label>
            <button className="primary small" type="submit" disabled={busy}>
              Save
            </button>
            <button className="small" type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            {b ? b.cap : <span className="muted">no cap</span>}{' '}
            {canEdit ? (
              <button type="button" className="small" aria-label={`Edit the budget of ${row.kind} ${row.label}`} onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
          </>
        )}
        {error ? (
          <div className="error" role="alert">
            {error}
          </div>
        ) : null}
        {notes.map((n) => (
          <div key={n} className="small" role="status">
            {n}
          </div>
        ))}
      </td>
      <td>
        {b ? (
          <div className="row" style={{ gap: '0.5rem' }}>
            <BudgetBar budget={b} label={`${row.kind} ${row.label}`} />
            <span className="small">{b.percent === null ? '—' : `${b.percent}%`}</span>
            {b.status === 'over' ? <span className="badge">over</span> : null}
          </div>
        ) : null}
      </td>
      <td>{b ? b.headroom : '—'}</td>
    </tr>
  );
}

interface PreviewResult {
  objects: Array<{
    description: string;
    price: string;
    allowed: boolean;
    message: string | null;
    lines: Array<{ ruleKey: string; description: string; price: string }>;
  }>;
  total: string;
  allowed: boolean;
  message: string | null;
  warnings: string[];
  headroom: string;
}

function CostPreview({ org, clusters, teams }: { org: string; clusters: CostTreeProps['clusters']; teams: CostTreeProps['teams'] }) {
  const [clusterId, setClusterId] = useState(clusters[0]?.id ?? '');
  const [manifest, setManifest] = useState('');
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const teamName = new Map(teams.map((t) => [t.id, t.slug]));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<PreviewResult>(`/orgs/${org}/cost/preview`, { method: 'POST', body: { clusterId, manifest } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-label="Cost preview" style={{ marginTop: '1rem' }}>
      <h2>Cost preview</h2>
      <p className="muted small">
        Paste a manifest (YAML with several documents, or JSON) to see what each object costs a month and whether it fits every budget, as admission would
        decide. Nothing is applied or reserved.
      </p>
      {clusters.length === 0 ? (
        <p className="muted">There is no live cluster to preview against yet.</p>
      ) : (
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor="preview-cluster">Cluster</label>
            <select id="preview-cluster" value={clusterId} onChange={(e) => setClusterId(e.target.value)}>
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {teamName.get(c.teamId) ?? '?'}/{c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="preview-manifest">Manifest</label>
            <textarea id="preview-manifest" className="mono" rows={12} value={manifest} onChange={(e) => setManifest(e.target.value)} required />
          </div>
          <button className="primary" type="submit" disabled={busy}>
            Preview cost
          </button>
        </form>
      )}
      {error ? (
        <div className="error" role="alert">
          {error}
        </div>
      ) : null}
      {result ? (
        <div data-testid="preview-result" style={{ marginTop: '1rem' }}>
          <div role="status" className={result.allowed ? 'small' : 'error'}>
            {result.allowed ? `Fits every budget: ${result.headroom}` : result.message}
          </div>
          {result.warnings.map((w) => (
            <div key={w} className="small">
              Warning: {w}
            </div>
          ))}
          <table>
            <thead>
              <tr>
                <th>Object</th>
                <th>Lines</th>
                <th>Monthly</th>
                <th>Admitted</th>
              </tr>
            </thead>
            <tbody>
              {result.objects.map((o, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: two objects may share a description.
                <tr key={i}>
                  <td className="mono small">{o.description}</td>
                  <td className="small">{o.lines.length ? o.lines.map((l) => `${l.description} ${l.price}`).join(' · ') : 'free'}</td>
                  <td>{o.price}</td>
                  <td>{o.allowed ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td colSpan={2}>Total</td>
                <td>{result.total}</td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : null}
    </section>
  );
}
