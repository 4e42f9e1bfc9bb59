'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { ClusterEventsResponse } from '../api/routes/clusters/get-cluster-events.types';
import type { BackendWorkspaceView } from '../server/backend';
import { ApiError, api } from './api-client';
import { ClusterTokens, clusterTokensKey } from './cluster-tokens';
import { type ClusterView, type Phase, PhaseBadge, TERMINAL_PHASES } from './cluster-types';
import { FormError } from './form';

/** How often the page asks for progress while the worker is busy: provisioning takes well under a second. */
export const POLL_MS = 500;
/** Once settled, the backend's view still changes now and then (a re-run, someone else's delete): keep it live, slowly. */
const SETTLED_POLL_MS = 5_000;

const STEPS: Phase[] = ['Requested', 'Provisioning', 'Ready'];
const DELETE_STEPS: Phase[] = ['Deleting', 'Deleted'];

function Progress({ phase }: { phase: Phase }) {
  const steps = DELETE_STEPS.includes(phase) ? DELETE_STEPS : STEPS;
  const at = steps.indexOf(phase);
  return (
    <ol className="progress" aria-label="Progress">
      {steps.map((s, i) => (
        <li key={s} data-state={phase === 'Failed' ? 'todo' : i < at || (i === at && TERMINAL_PHASES.includes(phase)) ? 'done' : i === at ? 'current' : 'todo'}>
          {s}
        </li>
      ))}
    </ol>
  );
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ClusterDetail({
  org,
  initial,
  canDelete,
  canAccess,
  tokens,
  backend,
}: {
  org: string;
  initial: ClusterView;
  canDelete: boolean;
  canAccess: boolean;
  /** Which kubeconfig tokens the viewer manages: none (billing), their own, or everyone's (owners, admins). */
  tokens: 'none' | 'own' | 'everyone';
  /** The backend Workspace's phase and conditions, as read when the page was rendered. */
  backend: BackendWorkspaceView;
}) {
  const queryClient = useQueryClient();
  const key = ['cluster', org, initial.id];
  // Live progress: poll the API until the cluster settles in a terminal phase.
  const query = useQuery({
    queryKey: key,
    queryFn: () => api<ClusterView>(`/orgs/${org}/clusters/${initial.id}`),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data && TERMINAL_PHASES.includes(q.state.data.phase) ? false : POLL_MS),
  });
  const c = query.data ?? initial;
  // The backend's conditions and the worker's Events, live: fast while the worker is busy, slowly after.
  const activity = useQuery({
    queryKey: ['cluster-events', org, initial.id],
    queryFn: () => api<ClusterEventsResponse>(`/orgs/${org}/clusters/${initial.id}/events`),
    initialData: { workspace: backend, events: [] } satisfies ClusterEventsResponse,
    initialDataUpdatedAt: 0,
    refetchInterval: () => (TERMINAL_PHASES.includes(c.phase) ? SETTLED_POLL_MS : POLL_MS),
  });
  const ws = activity.data.workspace;
  // Once the phase settles, fetch the backend's view at once so it matches the phase shown.
  const lastPhase = useRef(initial.phase);
  const refetchActivity = activity.refetch;
  useEffect(() => {
    if (c.phase !== lastPhase.current && TERMINAL_PHASES.includes(c.phase)) void refetchActivity();
    lastPhase.current = c.phase;
  }, [c.phase, refetchActivity]);
  const filename = `${org}-${c.team.slug}-${c.name}.kubeconfig`;

  const kubeconfig = useMutation({
    mutationFn: () => api<{ kubeconfig: string; contextName: string; server: string }>(`/orgs/${org}/clusters/${c.id}/kubeconfig`, { method: 'POST' }),
    onSuccess: (data) => {
      download(filename, data.kubeconfig);
      void queryClient.invalidateQueries({ queryKey: clusterTokensKey(org, c.id) });
    },
  });
  const [confirmText, setConfirmText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const del = useMutation({
    mutationFn: () => api<ClusterView>(`/orgs/${org}/clusters/${c.id}`, { method: 'DELETE' }),
    onSuccess: (data) => {
      queryClient.setQueryData(key, data);
      setConfirming(false);
    },
  });
  const asError = (e: unknown) => (e instanceof ApiError ? e : e ? new ApiError(0, 'INTERNAL', 'Something went wrong.') : null);
  const deletable = canDelete && ['Requested', 'Provisioning', 'Ready', 'Failed'].includes(c.phase);

  return (
    <>
      <div className="row between" style={{ marginBottom: '1rem', alignItems: 'flex-start' }}>
        <div>
          <p className="small" style={{ margin: 0 }}>
            <Link href={`/o/${org}/clusters`}>← Clusters</Link>
          </p>
          <h1>
            {c.name} <PhaseBadge phase={c.phase} />
          </h1>
          <p className="mono muted small">{c.kcpPath}</p>
        </div>
      </div>

      <div className="card" aria-live="polite">
        <h2>Status</h2>
        <Progress phase={c.phase} />
        <p data-testid="phase-message">
          {c.message ??
            (c.phase === 'Ready'
              ? 'The cluster is ready: download a kubeconfig and use kubectl.'
              : c.phase === 'Deleted'
                ? 'The cluster and its workspace are gone; this record stays for billing history.'
                : 'Waiting for the provisioning worker…')}
        </p>
        {query.error ? <FormError error={asError(query.error)} /> : null}
      </div>

      <div className="card" data-testid="backend-workspace">
        <h2>Backend workspace</h2>
        {ws.state === 'absent' ? (
          <p className="muted">No workspace exists at this path in the backend{c.phase === 'Deleted' ? ' (deleted)' : ' yet'}.</p>
        ) : ws.state === 'unavailable' ? (
          <p className="muted">The backend did not answer: {ws.detail ?? 'unknown error'}</p>
        ) : (
          <>
            <p>
              Phase <span className="mono">{ws.phase ?? '—'}</span>
            </p>
            {ws.conditions.length === 0 ? (
              <p className="small muted">The backend reports no conditions.</p>
            ) : (
              <table aria-label="Conditions">
                <thead>
                  <tr>
                    <th>Type</th>
                    <th>Status</th>
                    <th>Reason</th>
                    <th>Message</th>
                    <th>Since</th>
                  </tr>
                </thead>
                <tbody>
                  {ws.conditions.map((k) => (
                    <tr key={k.type}>
                      <td className="mono small">{k.type}</td>
                      <td>{k.status}</td>
                      <td className="small">{k.reason ?? '—'}</td>
                      <td className="small">{k.message ?? '—'}</td>
                      <td className="small">{k.lastTransitionTime ? new Date(k.lastTransitionTime).toLocaleString() : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
        <h3>Events</h3>
        {activity.data.eventsUnavailable ? (
          <p className="small muted">Events could not be read: {activity.data.eventsUnavailable}</p>
        ) : activity.data.events.length === 0 ? (
          <p className="small muted">{activity.isFetchedAfterMount ? 'No events recorded yet.' : 'Loading events…'}</p>
        ) : (
          <table aria-label="Events">
            <thead>
              <tr>
                <th>Type</th>
                <th>Reason</th>
                <th>Message</th>
                <th>Count</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.events.map((e) => (
                <tr key={e.reason} data-type={e.type}>
                  <td className={e.type === 'Warning' ? 'small error' : 'small'}>{e.type}</td>
                  <td className="mono small">{e.reason}</td>
                  <td className="small">{e.message}</td>
                  <td className="small">{e.count}</td>
                  <td className="small">{e.lastTimestamp ? new Date(e.lastTimestamp).toLocaleString() : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      <div className="grid-2">
        <div className="card">
          <h2>Details</h2>
          <dl className="facts">
            <dt>Team</dt>
            <dd>{c.team.slug}</dd>
            <dt>Template</dt>
            <dd>{c.template.slug}</dd>
            <dt>Regions</dt>
            <dd>{c.regions.join(', ') || '—'}</dd>
            <dt>Budget</dt>
            <dd>{c.budget ?? 'none (team and org budgets apply)'}</dd>
            <dt>Labels</dt>
            <dd className="mono small">
              {Object.entries(c.labels)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ') || '—'}
            </dd>
            <dt>Requested by</dt>
            <dd>{c.requestedBy ?? '—'}</dd>
            <dt>Endpoint</dt>
            <dd className="mono small">{c.url ?? '—'}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Access</h2>
          {!canAccess ? (
            <p className="muted">Only members of team {c.team.slug} (or its parent teams) and org admins get a kubeconfig for this cluster.</p>
          ) : c.phase !== 'Ready' ? (
            <p className="muted">A kubeconfig is available once the cluster is Ready.</p>
          ) : (
            <>
              <p className="small muted">A personal token for this cluster only, issued for you now.</p>
              <FormError error={asError(kubeconfig.error)} />
              <button type="button" className="primary" onClick={() => kubeconfig.mutate()} disabled={kubeconfig.isPending}>
                Download kubeconfig
              </button>
              {kubeconfig.data ? (
                <>
                  <p className="small" role="status" style={{ marginTop: '0.75rem' }}>
                    Saved as <span className="mono">{filename}</span> (context <span className="mono">{kubeconfig.data.contextName}</span>). Then:
                  </p>
                  <pre
                    className="snippet"
                    data-testid="kubectl-snippet"
                  >{`export KUBECONFIG=$PWD/${filename}\nkubectl get ns\nkubectl create namespace demo`}</pre>
                  <button
                    type="button"
                    className="small"
                    onClick={() => void navigator.clipboard?.writeText(`export KUBECONFIG=$PWD/${filename}\nkubectl get ns`)}
                  >
                    Copy kubectl commands
                  </button>
                </>
              ) : null}
            </>
          )}
        </div>
      </div>

      {tokens !== 'none' ? <ClusterTokens org={org} clusterId={c.id} everyone={tokens === 'everyone'} /> : null}

      {deletable ? (
        <div className="card">
          <h2>Delete cluster</h2>
          <p className="muted small">Deletes the workspace and everything in it. The record stays, marked Deleted, for billing history.</p>
          {!confirming ? (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Delete cluster…
            </button>
          ) : (
            <form
              aria-label="Confirm deletion"
              onSubmit={(e) => {
                e.preventDefault();
                if (confirmText === c.name) del.mutate();
              }}
            >
              <FormError error={asError(del.error)} />
              <div className="field">
                <label htmlFor="confirm-name">
                  Type <span className="mono">{c.name}</span> to confirm
                </label>
                <input id="confirm-name" type="text" value={confirmText} onChange={(e) => setConfirmText(e.target.value)} autoComplete="off" />
              </div>
              <div className="row">
                <button type="submit" className="danger" disabled={confirmText !== c.name || del.isPending}>
                  Delete {c.name}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </div>
      ) : null}
    </>
  );
}
