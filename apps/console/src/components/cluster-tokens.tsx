'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './api-client';
import { FormError } from './form';

export interface ClusterTokenView {
  id: string;
  username: string;
  groups: string[];
  createdAt: string;
  revokedAt: string | null;
}

export const clusterTokensKey = (org: string, clusterId: string) => ['cluster-tokens', org, clusterId];

/**
 * The kubeconfig tokens of one cluster (own, or everyone's for admins) with a revoke button each. Revoking
 * takes effect in the API server within milliseconds, so the list just refreshes afterwards.
 */
export function ClusterTokens({ org, clusterId, everyone }: { org: string; clusterId: string; everyone: boolean }) {
  const queryClient = useQueryClient();
  const key = clusterTokensKey(org, clusterId);
  const query = useQuery({
    queryKey: key,
    queryFn: () => api<{ tokens: ClusterTokenView[] }>(`/orgs/${org}/clusters/${clusterId}/tokens`),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/orgs/${org}/clusters/${clusterId}/tokens/${id}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const asError = (e: unknown) => (e instanceof ApiError ? e : e ? new ApiError(0, 'INTERNAL', 'Something went wrong.') : null);
  const tokens = query.data?.tokens ?? [];

  return (
    <div className="card">
      <h2>Kubeconfig tokens</h2>
      <p className="small muted">
        {everyone ? 'Every token issued for this cluster.' : 'The tokens issued to you for this cluster.'} Revoking one locks out every kubeconfig that uses it
        at once.
      </p>
      <FormError error={asError(query.error ?? revoke.error)} />
      {query.isPending ? (
        <p className="muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="muted">No tokens yet.</p>
      ) : (
        <table aria-label="Kubeconfig tokens">
          <thead>
            <tr>
              <th>Token</th>
              {everyone ? <th>Issued to</th> : null}
              <th>Created</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-testid={`cluster-token-${t.id}`}>
                <td className="mono small">{t.id}</td>
                {everyone ? <td>{t.username}</td> : null}
                <td className="small">{new Date(t.createdAt).toLocaleString()}</td>
                <td className="small">{t.revokedAt ? `revoked ${new Date(t.revokedAt).toLocaleString()}` : 'active'}</td>
                <td>
                  {t.revokedAt ? null : (
                    <button type="button" className="danger small" onClick={() => revoke.mutate(t.id)} disabled={revoke.isPending}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small muted">The API server records when a token was created, not when it was last used.</p>
    </div>
  );
}
