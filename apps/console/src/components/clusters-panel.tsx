'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import type { BudgetTreeDto } from '../api/routes/budgets/list-budgets.types';
import { ApiError, api } from './api-client';
import { type ClusterView, PhaseBadge, TERMINAL_PHASES, type TemplateView } from './cluster-types';
import { clusterCostText } from './cost-tree';
import { Field, FieldError } from './form';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Inline check of the name as it is typed; the server's acquisition check has the last word. */
export function clusterNameProblem(name: string): string | null {
  if (name === '') return null;
  if (name.length > 63) return 'Use at most 63 characters.';
  if (!DNS_LABEL.test(name)) return 'Use lower-case letters, digits and “-”, starting and ending with a letter or digit.';
  return null;
}

/** "env=dev\nowner=web" → labels; one problem message for the first bad line. */
export function parseLabels(text: string): { labels: Record<string, string>; problem: string | null } {
  const labels: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { labels, problem: `Line ${i + 1}: write labels as key=value.` };
    labels[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { labels, problem: null };
}

interface Violation {
  rule: string;
  message: string;
  definedBy: string | null;
}

function violationsOf(error: ApiError | null): Violation[] {
  const details = error?.details as { violations?: Violation[] } | undefined;
  return details?.violations ?? [];
}

export function ClustersPanel(props: {
  org: string;
  canRequest: boolean;
  clusters: ClusterView[];
  teams: Array<{ id: string; slug: string; name: string }>;
  hasTeams: boolean;
  canCreateTeams: boolean;
  templates: TemplateView[];
  regions: Array<{ slug: string; displayName: string }>;
}) {
  const { org } = props;
  // The list refreshes itself while any cluster is on its way somewhere.
  const list = useQuery({
    queryKey: ['clusters', org],
    queryFn: async () => (await api<{ clusters: ClusterView[] }>(`/orgs/${org}/clusters`)).clusters,
    initialData: props.clusters,
    refetchInterval: (q) => ((q.state.data ?? []).some((c) => !TERMINAL_PHASES.includes(c.phase)) ? 1000 : false),
  });
  const clusters = list.data ?? [];
  // Run-rates come from the cost tree (every role reads cost); refreshed with the list.
  const costs = useQuery({
    queryKey: ['cost-tree', org],
    queryFn: async () => new Map((await api<BudgetTreeDto>(`/orgs/${org}/budgets`)).clusters.map((c) => [c.id, c])),
    refetchInterval: 5000,
  });
  const [showForm, setShowForm] = useState(false);

  return (
    <>
      {props.canRequest && props.teams.length > 0 ? (
        showForm || clusters.length === 0 ? (
          <RequestForm {...props} onCancel={clusters.length ? () => setShowForm(false) : undefined} />
        ) : (
          <div className="row" style={{ marginBottom: '1rem' }}>
            <button type="button" className="primary" onClick={() => setShowForm(true)}>
              Request a cluster
            </button>
          </div>
        )
      ) : null}
      <h2>All clusters</h2>
      {clusters.length === 0 ? (
        <div className="empty" data-testid="clusters-empty">
          <strong>No clusters yet</strong>
          {!props.hasTeams ? (
            props.canCreateTeams ? (
              <>
                Clusters belong to teams. <Link href={`/o/${org}/teams`}>Create a team</Link>, then request a cluster here.
              </>
            ) : (
              'Clusters belong to teams: ask an admin to create one and add you to it.'
            )
          ) : props.canRequest && props.teams.length > 0 ? (
            'Request one with the form above: choose a name, your team and a template, and it is ready in seconds.'
          ) : props.canRequest ? (
            'You can request clusters in teams you belong to: ask an admin to add you to a team.'
          ) : (
            'Developers and admins request clusters; you will see them here.'
          )}
        </div>
      ) : (
        <div className="table-wrap">
          <table aria-label="Clusters">
            <thead>
              <tr>
                <th>Name</th>
                <th>Phase</th>
                <th>Team</th>
                <th>Template</th>
                <th>Regions</th>
                <th>Run-rate · budget use</th>
                <th>Requested by</th>
                <th>Age</th>
              </tr>
            </thead>
            <tbody>
              {clusters.map((c) => (
                <tr key={c.id} data-testid={`cluster-${c.team.slug}-${c.name}`}>
                  <td>
                    <Link href={`/o/${org}/clusters/${c.id}`}>{c.name}</Link>
                    <div className="mono small muted">{c.kcpPath}</div>
                  </td>
                  <td>
                    <PhaseBadge phase={c.phase} />
                  </td>
                  <td>{c.team.slug}</td>
                  <td>{c.template.slug}</td>
                  <td className="small">{c.regions.join(', ') || '—'}</td>
                  <td className="small" data-testid="cluster-cost">
                    <ClusterCost cost={costs.data?.get(c.id)} fallback={c.budget} org={org} clusterId={c.id} />
                  </td>
                  <td className="small muted">{c.requestedBy ?? '—'}</td>
                  <td className="small muted">
                    <Age iso={c.createdAt} />
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

function ClusterCost(props: { cost: BudgetTreeDto['clusters'][number] | undefined; fallback: string | null; org: string; clusterId: string }) {
  if (!props.cost) return <span className="muted">{props.fallback ? `budget ${props.fallback}` : '—'}</span>;
  const over = props.cost.budget?.status === 'over';
  return (
    <Link href={`/o/${props.org}/cost/clusters/${props.clusterId}`} style={over ? { color: '#c53030' } : undefined}>
      {clusterCostText(props.cost)}
    </Link>
  );
}

function Age({ iso }: { iso: string }) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  const text =
    seconds < 90
      ? `${seconds}s`
      : seconds < 5400
        ? `${Math.round(seconds / 60)}m`
        : seconds < 172_800
          ? `${Math.round(seconds / 3600)}h`
          : `${Math.round(seconds / 86_400)}d`;
  return <time dateTime={iso}>{text}</time>;
}

function RequestForm(props: {
  org: string;
  teams: Array<{ id: string; slug: string; name: string }>;
  templates: TemplateView[];
  regions: Array<{ slug: string; displayName: string }>;
  onCancel: (() => void) | undefined;
}) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState(props.teams[0]?.id ?? '');
  const [templateSlug, setTemplateSlug] = useState(props.templates[0]?.slug ?? '');
  const template = props.templates.find((t) => t.slug === templateSlug);
  const allowed = (t: TemplateView | undefined) => (t?.allowedRegions.length ? props.regions.filter((r) => t.allowedRegions.includes(r.slug)) : props.regions);
  const [regions, setRegions] = useState<string[]>(
    allowed(template)
      .slice(0, 1)
      .map((r) => r.slug),
  );
  const [labelsText, setLabelsText] = useState('');
  const [touched, setTouched] = useState(false);

  const nameProblem = clusterNameProblem(name);
  const labels = parseLabels(labelsText);
  const mutation = useMutation({
    mutationFn: () =>
      api<ClusterView>(`/orgs/${props.org}/clusters`, { method: 'POST', body: { name, teamId, template: templateSlug, regions, labels: labels.labels } }),
    onSuccess: (cluster) => router.push(`/o/${props.org}/clusters/${cluster.id}`),
  });
  const error = mutation.error instanceof ApiError ? mutation.error : mutation.error ? new ApiError(0, 'INTERNAL', 'Something went wrong.') : null;
  const fields = error?.fields ?? {};
  const violations = violationsOf(error);

  function chooseTemplate(slug: string) {
    setTemplateSlug(slug);
    const next = props.templates.find((t) => t.slug === slug);
    const ok = allowed(next).map((r) => r.slug);
    // Keep the regions the new template still allows; otherwise offer its first one.
    setRegions((current) => {
      const kept = current.filter((r) => ok.includes(r));
      return kept.length ? kept : ok.slice(0, 1);
    });
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setTouched(true);
    if (nameProblem || name === '' || labels.problem) return;
    mutation.mutate();
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Request a cluster">
      <h2>Request a cluster</h2>
      {error ? (
        <div className="alert error" role="alert" data-testid="request-error">
          <strong>{error.status === 403 ? 'Denied by policy: ' : ''}</strong>
          {error.message}
          {violations.length > 1 ? (
            <ul className="small" style={{ margin: '0.5rem 0 0' }}>
              {violations.slice(1).map((v) => (
                <li key={`${v.rule}:${v.message}`}>{v.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="grid-2">
        <Field
          label="Cluster name"
          name="name"
          value={name}
          onChange={(v) => setName(v.trim())}
          required
          maxLength={63}
          placeholder="dev"
          hint="A DNS label, unique in the team: it becomes the last segment of the cluster’s path."
          errors={nameProblem ? [nameProblem] : touched && name === '' ? ['Enter a name.'] : fields.name}
        />
        <div className="field">
          <label htmlFor="cluster-team">Team</label>
          <select id="cluster-team" name="teamId" value={teamId} onChange={(e) => setTeamId(e.target.value)} aria-invalid={fields.teamId ? true : undefined}>
            {props.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.slug})
              </option>
            ))}
          </select>
          <FieldError id="cluster-team-error" messages={fields.teamId} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="cluster-template">Template</label>
        <select
          id="cluster-template"
          name="template"
          value={templateSlug}
          onChange={(e) => chooseTemplate(e.target.value)}
          aria-invalid={fields.template ? true : undefined}
        >
          {props.templates.map((t) => (
            <option key={t.id} value={t.slug}>
              {t.name} ({t.slug}){t.scope === 'platform' ? ' · platform' : ''}
            </option>
          ))}
        </select>
        {template ? (
          <div className="hint">
            {template.description ? `${template.description} ` : ''}Budget {template.defaultBudget ?? 'none'}
            {template.maxBudget ? ` (max ${template.maxBudget})` : ''} · pod security {template.podSecurity}
            {template.teams ? ` · teams ${template.teams.map((t) => t.slug).join(', ') || 'none'}` : ''}
            {template.maxClustersPerTeam ? ` · at most ${template.maxClustersPerTeam} per team` : ''}
          </div>
        ) : null}
        <FieldError id="cluster-template-error" messages={fields.template ?? fields.budgetMicros} />
      </div>
      <fieldset className="field" style={{ border: 'none', padding: 0, margin: '0 0 0.9rem' }}>
        <legend style={{ fontWeight: 600, fontSize: '0.9rem', marginBottom: '0.25rem' }}>Regions</legend>
        <div className="checks">
          {props.regions.map((r) => {
            const permitted = allowed(template).some((a) => a.slug === r.slug);
            return (
              <label key={r.slug} title={permitted ? undefined : `Not allowed by template ${templateSlug}`}>
                <input
                  type="checkbox"
                  name="regions"
                  value={r.slug}
                  checked={regions.includes(r.slug)}
                  onChange={(e) => setRegions((cur) => (e.target.checked ? [...cur, r.slug] : cur.filter((x) => x !== r.slug)))}
                />
                {r.displayName} <span className="mono small muted">{r.slug}</span>
                {permitted ? null : <span className="small muted">(not in template)</span>}
              </label>
            );
          })}
        </div>
        <FieldError
          id="cluster-regions-error"
          messages={touched && regions.length === 0 && !fields.regions ? ['Choose at least one region.'] : fields.regions}
        />
      </fieldset>
      <div className="field">
        <label htmlFor="cluster-labels">Labels (optional)</label>
        <textarea
          id="cluster-labels"
          name="labels"
          rows={2}
          value={labelsText}
          onChange={(e) => setLabelsText(e.target.value)}
          placeholder={'env=dev\nowner=web'}
          aria-invalid={labels.problem ? true : undefined}
        />
        <div className="hint">One key=value per line. Policies can select clusters by label.</div>
        <FieldError
          id="cluster-labels-error"
          messages={labels.problem ? [labels.problem] : Object.entries(fields).flatMap(([k, v]) => (k.startsWith('labels') ? v : []))}
        />
      </div>
      <div className="row">
        <button className="primary" type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Requesting…' : 'Request cluster'}
        </button>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
