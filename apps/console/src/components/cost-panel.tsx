'use client';

import { capEffect } from '@atrium/core/cap-effect';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import type { BudgetTreeDto } from '../api/routes/budgets/list-budgets.types';
import { ApiError, api } from './api-client';
import { type CostNodeKey, capTreeNodes } from './cost-tree';
import { dollarsToMicros, microsToDollars } from './money-input';

type BudgetView = NonNullable<BudgetTreeDto['org']['budget']>;
type Target = { scope: 'org' } | { scope: 'team'; teamId: string } | { scope: 'cluster'; clusterId: string };

interface Row {
  key: CostNodeKey;
  label: string;
  kind: 'org' | 'team' | 'cluster';
  depth: number;
  href: string;
  target: Target;
  runRate: string;
  budget: BudgetView | null;
}

/** The tree as table rows: the org (or the given team), its teams depth first, each team's clusters under it. */
function rowsOf(org: string, tree: BudgetTreeDto, root: CostNodeKey): Row[] {
  const base = `/o/${org}/cost`;
  const rows: Row[] = [];
  const visit = (parentId: string | null, depth: number) => {
    for (const t of tree.teams.filter((x) => x.parentId === parentId).sort((a, b) => a.name.localeCompare(b.name))) team(t, depth);
  };
  const team = (t: BudgetTreeDto['teams'][number], depth: number) => {
    rows.push({
      key: `team:${t.id}`,
      label: t.slug,
      kind: 'team',
      depth,
      href: `${base}/teams/${t.id}`,
      target: { scope: 'team', teamId: t.id },
      runRate: t.runRate,
      budget: t.budget,
    });
    for (const c of tree.clusters.filter((x) => x.teamId === t.id)) {
      rows.push({
        key: `cluster:${c.id}`,
        label: c.name,
        kind: 'cluster',
        depth: depth + 1,
        href: `${base}/clusters/${c.id}`,
        target: { scope: 'cluster', clusterId: c.id },
        runRate: c.runRate,
        budget: c.budget,
      });
    }
    visit(t.id, depth + 1);
  };
  if (root.startsWith('team:')) {
    const t = tree.teams.find((x) => `team:${x.id}` === root);
    if (t) team(t, 0);
  } else if (root.startsWith('cluster:')) {
    const c = tree.clusters.find((x) => `cluster:${x.id}` === root);
    if (c)
      rows.push({
        key: root,
        label: c.name,
        kind: 'cluster',
        depth: 0,
        href: `${base}/clusters/${c.id}`,
        target: { scope: 'cluster', clusterId: c.id },
        runRate: c.runRate,
        budget: c.budget,
      });
  } else {
    rows.push({
      key: `org:${tree.org.id}`,
      label: tree.org.slug,
      kind: 'org',
      depth: 0,
      href: base,
      target: { scope: 'org' },
      runRate: tree.org.runRate,
      budget: tree.org.budget,
    });
    visit(null, 1);
  }
  return rows;
}

const STATUS_COLOUR = { ok: '#2f855a', warning: '#b7791f', over: '#c53030' } as const;

/** Committed against cap, with marks at 80 % (warnings start) and 100 % (admission refuses). */
function BudgetBar({ budget, label }: { budget: BudgetView; label: string }) {
  // The bar spans 0–125 % so that an over-budget node still shows by how much.
  const scale = (p: number) => `${(Math.min(p, 125) / 125) * 100}%`;
  const percent = budget.percent ?? (budget.status === 'over' ? 125 : 0);
  return (
    <div
      // A drawing of the numbers next to it; the label carries them for screen readers.
      role="img"
      aria-label={`${label}: ${budget.committed} of ${budget.cap}`}
      style={{ position: 'relative', height: '0.6rem', width: '10rem', background: '#e2e8f0', borderRadius: 3 }}
    >
      <div style={{ width: scale(percent), height: '100%', background: STATUS_COLOUR[budget.status], borderRadius: 3 }} />
      <div title="80 %" style={{ position: 'absolute', left: scale(80), top: -2, bottom: -2, width: 1, background: '#4a5568' }} />
      <div title="100 %" style={{ position: 'absolute', left: scale(100), top: -3, bottom: -3, width: 2, background: '#1a202c' }} />
    </div>
  );
}

/**
 * The budget tree: every node's run-rate and budget, editable by admins. While an admin types a
 * new cap, its effect is worked out from the tree (core `capEffect`) and shown before saving.
 */
export function CostPanel({ org, tree, canEdit, root }: { org: string; tree: BudgetTreeDto; canEdit: boolean; root?: CostNodeKey }) {
  const rows = useMemo(() => rowsOf(org, tree, root ?? `org:${tree.org.id}`), [org, tree, root]);
  const nodes = useMemo(() => capTreeNodes(tree), [tree]);
  return (
    <section className="card" aria-label="Budgets">
      <h2>Budgets and run-rate</h2>
      <p className="muted small">
        A budget is a monthly cap on what may run under a node. Admission checks every budget above a cluster, so a child’s larger budget never lets more
        through. A budget below what is committed is allowed; from then on only changes that lower cost are admitted.
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Node</th>
              <th>Run-rate</th>
              <th>Budget</th>
              <th>Use</th>
              <th>Headroom</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <BudgetRow key={row.key} org={org} row={row} canEdit={canEdit} nodes={nodes} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function BudgetRow({ org, row, canEdit, nodes }: { org: string; row: Row; canEdit: boolean; nodes: ReturnType<typeof capTreeNodes> }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(microsToDollars(row.budget?.capMicros ?? null));
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const b = row.budget;
  const name = `${row.kind} ${row.label}`;

  // The effect of what is typed, before saving; an unparsable amount shows its problem instead.
  let parsed: { micros: string | null } | { problem: string };
  try {
    parsed = { micros: dollarsToMicros(value) };
  } catch (err) {
    parsed = { problem: (err as Error).message };
  }
  const effect =
    editing && 'micros' in parsed && nodes.some((n) => n.key === row.key)
      ? capEffect(nodes, row.key, parsed.micros === null ? null : BigInt(parsed.micros))
      : null;

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    if ('problem' in parsed) {
      setError(parsed.problem);
      return;
    }
    setBusy(true);
    try {
      const res = await api<{ notes: string[] }>(`/orgs/${org}/budgets`, { method: 'PUT', body: { ...row.target, capMicros: parsed.micros } });
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
        <span className="muted small">{row.kind}</span> <Link href={row.href}>{row.label}</Link>
      </td>
      <td data-testid="run-rate">{row.runRate}</td>
      <td>
        {editing ? (
          <form onSubmit={save} aria-label={`Budget of ${name}`}>
            <div className="row" style={{ gap: '0.35rem' }}>
              <label className="small">
                $ / month{' '}
                <input
                  name="cap"
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                  placeholder="no budget"
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
            </div>
            <ul className="small" data-testid="budget-effect" aria-live="polite" style={{ margin: '0.35rem 0 0', paddingLeft: '1.1rem', maxWidth: '28rem' }}>
              {'problem' in parsed ? <li className="error">{parsed.problem}</li> : null}
              {effect?.notes.map((n) => (
                <li key={n} style={effect.over && n === effect.notes[0] ? { color: '#c53030' } : undefined}>
                  {n}
                </li>
              ))}
            </ul>
          </form>
        ) : (
          <>
            {b ? b.cap : <span className="muted">no budget</span>}{' '}
            {canEdit ? (
              <button
                type="button"
                className="small"
                aria-label={`Edit the budget of ${name}`}
                onClick={() => {
                  setValue(microsToDollars(b?.capMicros ?? null));
                  setNotes([]);
                  setEditing(true);
                }}
              >
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
            <BudgetBar budget={b} label={name} />
            <span className="small">{b.percent === null ? '—' : `${b.percent} %`}</span>
            {b.status === 'over' ? <span className="badge">over</span> : null}
          </div>
        ) : null}
      </td>
      <td>{b ? b.headroom : '—'}</td>
    </tr>
  );
}
