'use client';

import { type FormEvent, useState } from 'react';
import type { BudgetTreeDto } from '../api/routes/budgets/list-budgets.types';
import { ApiError, api } from './api-client';

interface PreviewResult {
  objects: Array<{
    description: string;
    price: string;
    allowed: boolean;
    message: string | null;
    lines: Array<{ ruleKey: string; description: string; price: string }>;
    notes: string[];
  }>;
  total: string;
  allowed: boolean;
  message: string | null;
  warnings: string[];
  headroom: string;
}

/** Paste a manifest, pick a cluster: each object's price and the budget decision, as admission would make it. */
export function CostPreview({ org, clusters, teams }: { org: string; clusters: BudgetTreeDto['clusters']; teams: BudgetTreeDto['teams'] }) {
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
                  <td className="small">
                    {o.lines.length ? o.lines.map((l) => `${l.description} ${l.price}`).join(' · ') : 'free'}
                    {o.notes.map((n) => (
                      <div key={n} className="muted">
                        {n}
                      </div>
                    ))}
                  </td>
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
