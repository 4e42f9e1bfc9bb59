'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from './api-client';
import type { TemplateView } from './cluster-types';
import { Field, FieldError, FormError } from './form';
import { dollarsToMicros, microsToDollars } from './money-input';

/** The API sets the platform publishes today; a template may also keep ones set through the API. */
const KNOWN_API_SETS = ['workloads', 'networking', 'custom-resources'];

type Editing = { kind: 'new' } | { kind: 'edit'; template: TemplateView } | null;

export function TemplatesPanel(props: {
  org: string;
  canEdit: boolean;
  templates: TemplateView[];
  teams: Array<{ id: string; slug: string; name: string }>;
  regions: Array<{ slug: string; displayName: string }>;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function remove(t: TemplateView) {
    if (!window.confirm(`Delete the template “${t.slug}”?`)) return;
    setError(null);
    try {
      await api(`/orgs/${props.org}/templates/${t.id}`, { method: 'DELETE' });
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Could not delete.'));
    }
  }

  return (
    <>
      {props.canEdit && editing === null ? (
        <div className="row" style={{ marginBottom: '1rem' }}>
          <button type="button" className="primary" onClick={() => setEditing({ kind: 'new' })}>
            New template
          </button>
        </div>
      ) : null}
      {editing ? (
        <TemplateForm
          key={editing.kind === 'edit' ? editing.template.id : 'new'}
          {...props}
          template={editing.kind === 'edit' ? editing.template : null}
          onDone={() => {
            setEditing(null);
            router.refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <FormError error={error} />
      <div className="table-wrap">
        <table aria-label="Templates">
          <thead>
            <tr>
              <th>Template</th>
              <th>API sets</th>
              <th>Regions</th>
              <th>Budget (default / max)</th>
              <th>Pod security</th>
              <th>Per team</th>
              <th>Teams</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {props.templates.map((t) => (
              <tr key={t.id} data-testid={`template-${t.slug}`}>
                <td>
                  <strong>{t.name}</strong> <span className="mono small muted">{t.slug}</span>{' '}
                  {t.scope === 'platform' ? <span className="badge platform">platform · read-only</span> : null}
                  {t.description ? <div className="small muted">{t.description}</div> : null}
                </td>
                <td className="small">{t.apiSets.join(', ') || '—'}</td>
                <td className="small">{t.allowedRegions.join(', ') || 'any'}</td>
                <td className="small">
                  {t.defaultBudget ?? 'none'} / {t.maxBudget ?? 'no max'}
                </td>
                <td className="small">{t.podSecurity}</td>
                <td className="small">{t.maxClustersPerTeam ?? 'no limit'}</td>
                <td className="small">{t.teams ? t.teams.map((x) => x.slug).join(', ') || 'none' : 'all'}</td>
                <td>
                  {props.canEdit && t.scope === 'org' ? (
                    <span className="row" style={{ gap: '0.35rem' }}>
                      <button type="button" className="small" onClick={() => setEditing({ kind: 'edit', template: t })} aria-label={`Edit ${t.slug}`}>
                        Edit
                      </button>
                      <button type="button" className="small danger" onClick={() => void remove(t)} aria-label={`Delete ${t.slug}`}>
                        Delete
                      </button>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Checks({
  legend,
  name,
  options,
  value,
  onChange,
  error,
}: {
  legend: string;
  name: string;
  options: Array<{ value: string; label: string }>;
  value: string[];
  onChange: (v: string[]) => void;
  error: string[] | undefined;
}) {
  return (
    <fieldset className="field" style={{ border: 'none', padding: 0, margin: '0 0 0.9rem' }}>
      <legend style={{ fontWeight: 600, fontSize: '0.9rem', marginBottom: '0.25rem' }}>{legend}</legend>
      <div className="checks">
        {options.map((o) => (
          <label key={o.value}>
            <input
              type="checkbox"
              name={name}
              value={o.value}
              checked={value.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((x) => x !== o.value))}
            />
            {o.label}
          </label>
        ))}
      </div>
      <FieldError id={`${name}-error`} messages={error} />
    </fieldset>
  );
}

function TemplateForm(props: {
  org: string;
  template: TemplateView | null;
  teams: Array<{ id: string; slug: string; name: string }>;
  regions: Array<{ slug: string; displayName: string }>;
  onDone: () => void;
  onCancel: () => void;
}) {
  const t = props.template;
  const [apiSets, setApiSets] = useState<string[]>(t?.apiSets ?? ['workloads']);
  const [regions, setRegions] = useState<string[]>(t?.allowedRegions ?? []);
  const [teamIds, setTeamIds] = useState<string[]>(t?.teams?.map((x) => x.id) ?? []);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = error?.fields ?? {};

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const v = Object.fromEntries([...new FormData(e.currentTarget).entries()].map(([k, x]) => [k, String(x)]));
    let defaultBudgetMicros: string | null;
    let maxBudgetMicros: string | null;
    try {
      defaultBudgetMicros = dollarsToMicros(v.defaultBudget ?? '');
      maxBudgetMicros = dollarsToMicros(v.maxBudget ?? '');
    } catch (err) {
      setError(new ApiError(422, 'VALIDATION_FAILED', (err as Error).message, { defaultBudgetMicros: [(err as Error).message] }));
      return;
    }
    const body = {
      name: v.name,
      description: v.description ?? '',
      apiSets,
      allowedRegions: regions,
      defaultBudgetMicros,
      maxBudgetMicros,
      podSecurity: v.podSecurity,
      maxClustersPerTeam: v.maxClustersPerTeam ? Number(v.maxClustersPerTeam) : null,
      teamIds: teamIds.length ? teamIds : null,
    };
    setBusy(true);
    setError(null);
    try {
      if (t) await api(`/orgs/${props.org}/templates/${t.id}`, { method: 'PATCH', body });
      else await api(`/orgs/${props.org}/templates`, { method: 'POST', body: { ...body, slug: v.slug } });
      props.onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'INTERNAL', 'Something went wrong.'));
    } finally {
      setBusy(false);
    }
  }

  const apiSetOptions = [...new Set([...KNOWN_API_SETS, ...apiSets])].map((s) => ({ value: s, label: s }));
  return (
    <form className="card" onSubmit={submit} noValidate aria-label={t ? `Edit template ${t.slug}` : 'New template'}>
      <h2>{t ? `Edit ${t.slug}` : 'New template'}</h2>
      <FormError error={error} />
      <div className="grid-2">
        <Field label="Template name" name="name" required defaultValue={t?.name ?? ''} errors={fields.name} />
        {t ? null : (
          <Field label="Template slug" name="slug" required errors={fields.slug} hint="How requests name it; cannot change later." placeholder="prod" />
        )}
      </div>
      <Field label="Description" name="description" defaultValue={t?.description ?? ''} errors={fields.description} />
      <Checks legend="API sets bound at creation" name="apiSets" options={apiSetOptions} value={apiSets} onChange={setApiSets} error={fields.apiSets} />
      <Checks
        legend="Allowed regions (none checked = any region)"
        name="allowedRegions"
        options={props.regions.map((r) => ({ value: r.slug, label: r.displayName }))}
        value={regions}
        onChange={setRegions}
        error={fields.allowedRegions}
      />
      <div className="grid-2">
        <Field
          label="Default monthly budget ($)"
          name="defaultBudget"
          defaultValue={microsToDollars(t?.defaultBudgetMicros ?? null)}
          errors={fields.defaultBudgetMicros}
          hint="Each new cluster gets this budget. Empty: none."
          placeholder="20"
        />
        <Field
          label="Maximum monthly budget ($)"
          name="maxBudget"
          defaultValue={microsToDollars(t?.maxBudgetMicros ?? null)}
          errors={fields.maxBudgetMicros}
          hint="Empty: no maximum."
        />
        <div className="field">
          <label htmlFor="tpl-pod-security">Pod security level</label>
          <select id="tpl-pod-security" name="podSecurity" defaultValue={t?.podSecurity ?? 'baseline'}>
            <option value="privileged">privileged</option>
            <option value="baseline">baseline</option>
            <option value="restricted">restricted</option>
          </select>
        </div>
        <Field
          label="Max clusters per team"
          name="maxClustersPerTeam"
          type="number"
          defaultValue={t?.maxClustersPerTeam?.toString() ?? ''}
          errors={fields.maxClustersPerTeam}
          hint="Empty: no limit."
        />
      </div>
      <Checks
        legend="Teams that may use it (none checked = every team; sub-teams inherit)"
        name="teamIds"
        options={props.teams.map((x) => ({ value: x.id, label: x.slug }))}
        value={teamIds}
        onChange={setTeamIds}
        error={fields.teamIds}
      />
      <div className="row">
        <button className="primary" type="submit" disabled={busy}>
          {t ? 'Save template' : 'Create template'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
