'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, api } from './api-client';
import { Field, FormError } from './form';
import { suggestSlug } from './org-forms';

export interface TeamView {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  members: Array<{ membershipId: string; email: string }>;
}

interface Node extends TeamView {
  children: Node[];
  depth: number;
}

function buildTree(teams: TeamView[]): Node[] {
  const nodes = new Map<string, Node>(teams.map((t) => [t.id, { ...t, children: [], depth: 0 }]));
  const roots: Node[] = [];
  for (const n of nodes.values()) {
    const p = n.parentId ? nodes.get(n.parentId) : undefined;
    if (p) p.children.push(n);
    else roots.push(n);
  }
  const visit = (list: Node[], depth: number) => {
    list.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of list) {
      n.depth = depth;
      visit(n.children, depth + 1);
    }
  };
  visit(roots, 0);
  return roots;
}

function flatten(nodes: Node[]): Node[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function descendants(n: Node): Set<string> {
  return new Set([n.id, ...n.children.flatMap((c) => [...descendants(c)])]);
}

type Action = { kind: 'add'; parentId: string | null } | { kind: 'edit'; team: Node } | null;

export function TeamTree({
  org,
  teams,
  members,
  canEdit,
}: {
  org: string;
  teams: TeamView[];
  members: Array<{ id: string; email: string }>;
  canEdit: boolean;
}) {
  const router = useRouter();
  const tree = useMemo(() => buildTree(teams), [teams]);
  const flat = useMemo(() => flatten(tree), [tree]);
  const [action, setAction] = useState<Action>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState('');
  const [newSlug, setNewSlug] = useState('');

  async function run(fn: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await fn();
      after?.();
      router.refresh();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Something went wrong.');
      setError(err);
      setFields(err.fields);
    } finally {
      setBusy(false);
    }
  }

  function openAdd(parentId: string | null) {
    setAction({ kind: 'add', parentId });
    setNewName('');
    setNewSlug('');
    setError(null);
    setFields({});
  }

  function submitAdd(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const parentId = action?.kind === 'add' ? action.parentId : null;
    void run(
      () => api(`/orgs/${org}/teams`, { method: 'POST', body: { name: newName, slug: newSlug, parentId } }),
      () => setAction(null),
    );
  }

  function submitEdit(e: FormEvent<HTMLFormElement>, team: Node) {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(e.currentTarget).entries()) as Record<string, string>;
    const parentId = v.parentId === '' ? null : (v.parentId ?? null);
    void run(
      () => api(`/orgs/${org}/teams/${team.id}`, { method: 'PATCH', body: { name: v.name, parentId } }),
      () => setAction(null),
    );
  }

  const addForm = (
    <form onSubmit={submitAdd} className="card" aria-label="New team" style={{ marginTop: '0.5rem' }}>
      <h3>{action?.kind === 'add' && action.parentId ? `New sub-team of ${flat.find((t) => t.id === action.parentId)?.name}` : 'New top-level team'}</h3>
      <Field
        label="Team name"
        name="name"
        required
        value={newName}
        onChange={(v) => {
          setNewName(v);
          setNewSlug(suggestSlug(v));
        }}
        errors={fields.name}
        autoFocus
      />
      <Field label="Team slug" name="slug" required value={newSlug} onChange={setNewSlug} errors={fields.slug} hint="Becomes part of cluster paths." />
      <FieldsError fields={fields} keys={['parentId']} />
      <div className="row">
        <button className="primary" type="submit" disabled={busy}>
          Create team
        </button>
        <button type="button" onClick={() => setAction(null)}>
          Cancel
        </button>
      </div>
    </form>
  );

  const renderNode = (n: Node) => {
    const editing = action?.kind === 'edit' && action.team.id === n.id;
    const blocked = descendants(n);
    const nonMembers = members.filter((m) => !n.members.some((tm) => tm.membershipId === m.id));
    return (
      <li key={n.id} data-testid={`team-${n.slug}`}>
        <div className="node">
          <strong>{n.name}</strong> <span className="mono muted small">{n.slug}</span>
          <span className="muted small">
            · {n.members.length} member{n.members.length === 1 ? '' : 's'}
          </span>
          {canEdit ? (
            <span className="row" style={{ gap: '0.35rem' }}>
              <button type="button" className="small" onClick={() => openAdd(n.id)} aria-label={`Add a sub-team to ${n.name}`}>
                + Sub-team
              </button>
              <button type="button" className="small" onClick={() => setAction({ kind: 'edit', team: n })} aria-label={`Edit ${n.name}`}>
                Edit
              </button>
              <button
                type="button"
                className="small danger"
                aria-label={`Delete ${n.name}`}
                disabled={busy}
                onClick={() => {
                  if (window.confirm(`Delete the team “${n.name}”?`)) void run(() => api(`/orgs/${org}/teams/${n.id}`, { method: 'DELETE' }));
                }}
              >
                Delete
              </button>
            </span>
          ) : null}
        </div>
        {n.members.length ? (
          <div className="small muted" style={{ marginLeft: '0.25rem', marginBottom: '0.25rem' }}>
            {n.members.map((m) => (
              <span key={m.membershipId} style={{ marginRight: '0.75rem' }}>
                {m.email}
                {canEdit ? (
                  <button
                    type="button"
                    className="link small"
                    aria-label={`Remove ${m.email} from ${n.name}`}
                    onClick={() => void run(() => api(`/orgs/${org}/teams/${n.id}/members/${m.membershipId}`, { method: 'DELETE' }))}
                  >
                    {' '}
                    ✕
                  </button>
                ) : null}
              </span>
            ))}
          </div>
        ) : null}
        {editing ? (
          <form onSubmit={(e) => submitEdit(e, n)} className="card" aria-label={`Edit ${n.name}`}>
            <Field label="Name" name="name" defaultValue={n.name} required errors={fields.name} />
            <div className="field">
              <label htmlFor={`parent-${n.id}`}>Parent team</label>
              <select id={`parent-${n.id}`} name="parentId" defaultValue={n.parentId ?? ''}>
                <option value="">(top level)</option>
                {flat
                  .filter((t) => !blocked.has(t.id))
                  .map((t) => (
                    <option key={t.id} value={t.id}>
                      {'\u00a0\u00a0'.repeat(t.depth)}
                      {t.name}
                    </option>
                  ))}
              </select>
              <FieldsError fields={fields} keys={['parentId']} />
            </div>
            {nonMembers.length ? (
              <div className="field">
                <label htmlFor={`add-member-${n.id}`}>Add a member</label>
                <div className="row">
                  <select id={`add-member-${n.id}`} defaultValue="" style={{ width: 'auto' }}>
                    <option value="" disabled>
                      Choose…
                    </option>
                    {nonMembers.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.email}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      const sel = document.getElementById(`add-member-${n.id}`) as HTMLSelectElement | null;
                      if (sel?.value) void run(() => api(`/orgs/${org}/teams/${n.id}/members`, { method: 'POST', body: { memberId: sel.value } }));
                    }}
                  >
                    Add
                  </button>
                </div>
              </div>
            ) : null}
            <div className="row">
              <button className="primary" type="submit" disabled={busy}>
                Save
              </button>
              <button type="button" onClick={() => setAction(null)}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {action?.kind === 'add' && action.parentId === n.id ? addForm : null}
        {n.children.length ? <ul>{n.children.map(renderNode)}</ul> : null}
      </li>
    );
  };

  return (
    <div>
      {error && !Object.keys(error.fields).length ? <FormError error={error} /> : null}
      {canEdit ? (
        <div className="row" style={{ marginBottom: '0.75rem' }}>
          <button type="button" className="primary" onClick={() => openAdd(null)}>
            New team
          </button>
        </div>
      ) : null}
      {action?.kind === 'add' && action.parentId === null ? addForm : null}
      {tree.length === 0 ? (
        <div className="empty">
          <strong>No teams yet</strong>
          {canEdit ? 'Create a top-level team, then add sub-teams under it.' : 'An owner or admin can create the team tree.'}
        </div>
      ) : (
        <div className="card">
          <ul className="tree" aria-label="Team tree">
            {tree.map(renderNode)}
          </ul>
        </div>
      )}
    </div>
  );
}

function FieldsError({ fields, keys }: { fields: Record<string, string[]>; keys: string[] }) {
  const msgs = keys.flatMap((k) => fields[k] ?? []);
  if (!msgs.length) return null;
  return (
    <div className="error" role="alert">
      {msgs.join(' ')}
    </div>
  );
}
