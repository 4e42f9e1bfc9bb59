'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from './api-client';
import { Field, FormError, useApiForm } from './form';

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  created: string;
  lastUsed: string;
  expires: string;
  revoked: boolean;
}

export function TokensPanel({ org, tokens }: { org: string; tokens: TokenView[] }) {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);
  const form = useApiForm(
    (v) =>
      api<{ token: string; apiToken: { name: string } }>(`/orgs/${org}/tokens`, {
        method: 'POST',
        body: { name: v.name, expiresInDays: v.expiresInDays ? Number(v.expiresInDays) : null },
      }),
    () => router.refresh(),
  );
  return (
    <>
      <div className="card">
        <h2>Create a token</h2>
        {form.data ? (
          <div className="alert ok" role="status">
            <p>Token “{form.data.apiToken.name}” created. Copy it now: it will not be shown again.</p>
            <div className="secret" data-testid="new-token">
              {form.data.token}
            </div>
            <p className="small" style={{ marginTop: '0.5rem' }}>
              Use it as <span className="mono">Authorization: Bearer &lt;token&gt;</span> against <span className="mono">/api/v1</span>.
            </p>
          </div>
        ) : null}
        <FormError error={form.error} />
        <form onSubmit={form.onSubmit} noValidate aria-label="Create API token">
          <div className="grid-2">
            <Field label="Name" name="name" required maxLength={60} errors={form.fields.name} placeholder="ci-deploy" />
            <div className="field">
              <label htmlFor="token-expiry">Expires</label>
              <select id="token-expiry" name="expiresInDays" defaultValue="90">
                <option value="7">in 7 days</option>
                <option value="30">in 30 days</option>
                <option value="90">in 90 days</option>
                <option value="365">in a year</option>
                <option value="">never</option>
              </select>
            </div>
          </div>
          <button className="primary" type="submit" disabled={form.pending}>
            Create token
          </button>
        </form>
      </div>
      <h2>Your tokens</h2>
      <FormError error={error} />
      {tokens.length === 0 ? (
        <div className="empty">
          <strong>No tokens yet</strong>Create one above to use the API from scripts and CI.
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td className="mono">{t.prefix}…</td>
                  <td className="small muted">{t.created}</td>
                  <td className="small muted">{t.lastUsed}</td>
                  <td className="small muted">{t.expires}</td>
                  <td>
                    {t.revoked ? (
                      <span className="badge revoked">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className="small danger"
                        aria-label={`Revoke ${t.name}`}
                        onClick={async () => {
                          setError(null);
                          try {
                            await api(`/orgs/${org}/tokens/${t.id}`, { method: 'DELETE' });
                            router.refresh();
                          } catch (e) {
                            setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Could not revoke.'));
                          }
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
