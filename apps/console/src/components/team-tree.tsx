'use client';

import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from './api-client';
import { Field, FormError } from './form';
import { suggestSlug } from './org-forms';

export interface TeamView {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  memberCount: number;
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

export function TeamTree({ org, teams, canEdit }: { org: string; teams: TeamView[]; canEdit: boolean }) {
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
    return (
      <li key={n.id} data-testid={`team-${n.slug}`}>
        <div className="node">
          <strong>{n.name}</strong> <span className="mono muted small">{n.slug}</span>
          <span className="muted small">
            · {n.memberCount} member{n.memberCount === 1 ? '' : 's'}
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
            <TeamMembersEditor org={org} team={n} onChanged={() => router.refresh()} />
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

interface MemberHit {
  id: string;
  email: string;
  name: string | null;
}
interface MembersPage {
  members: MemberHit[];
  nextCursor: string | null;
}

const TEAM_PAGE = 20;
const SUGGESTIONS = 8;

/**
 * A team's members, a page at a time, and a type-ahead to add one: both read
 * the paginated members API, so the teams page never loads the whole org.
 */
function TeamMembersEditor({ org, team, onChanged }: { org: string; team: Node; onChanged: () => void }) {
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 200);
    return () => clearTimeout(t);
  }, [q]);

  const current = useInfiniteQuery({
    queryKey: ['team-members', org, team.id],
    queryFn: ({ pageParam }) =>
      api<MembersPage>(
        `/orgs/${org}/members?teamId=${encodeURIComponent(team.id)}&limit=${TEAM_PAGE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const suggestions = useQuery({
    queryKey: ['team-member-candidates', org, team.id, debounced],
    queryFn: () => api<MembersPage>(`/orgs/${org}/members?q=${encodeURIComponent(debounced)}&notInTeamId=${encodeURIComponent(team.id)}&limit=${SUGGESTIONS}`),
    enabled: debounced.length > 0,
    staleTime: 0,
  });

  async function change(key: string, fn: () => Promise<unknown>) {
    setBusy(key);
    setError(null);
    try {
      await fn();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['team-members', org, team.id] }),
        queryClient.invalidateQueries({ queryKey: ['team-member-candidates', org, team.id] }),
      ]);
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Something went wrong.'));
    } finally {
      setBusy(null);
    }
  }

  const members = current.data?.pages.flatMap((p) => p.members) ?? [];
  return (
    <div className="field">
      <FormError error={error} />
      <span className="small muted">Members of {team.name}</span>
      {current.isPending ? (
        <div className="small muted">Loading…</div>
      ) : members.length === 0 ? (
        <div className="small muted">No members yet.</div>
      ) : (
        <ul className="small" aria-label={`Members of ${team.name}`} style={{ paddingLeft: '1rem' }}>
          {members.map((m) => (
            <li key={m.id}>
              {m.email}{' '}
              <button
                type="button"
                className="link small"
                aria-label={`Remove ${m.email} from ${team.name}`}
                disabled={busy !== null}
                onClick={() => void change(m.id, () => api(`/orgs/${org}/teams/${team.id}/members/${m.id}`, { method: 'DELETE' }))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {current.hasNextPage ? (
        <button type="button" className="small" disabled={current.isFetchingNextPage} onClick={() => void current.fetchNextPage()}>
          {current.isFetchingNextPage ? 'Loading…' : 'Show more members'}
        </button>
      ) : null}
      <label htmlFor={`add-member-${team.id}`}>Add a member</label>
      <input
        id={`add-member-${team.id}`}
        type="search"
        autoComplete="off"
        placeholder="Type an email or name"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        // Enter would submit the surrounding edit form.
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.preventDefault();
        }}
      />
      {debounced ? (
        suggestions.isPending ? (
          <div className="small muted">Searching…</div>
        ) : suggestions.data?.members.length ? (
          <ul className="small" aria-label={`People to add to ${team.name}`} style={{ paddingLeft: '1rem' }}>
            {suggestions.data.members.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  className="link small"
                  aria-label={`Add ${m.email} to ${team.name}`}
                  disabled={busy !== null}
                  onClick={() =>
                    void change(m.id, async () => {
                      await api(`/orgs/${org}/teams/${team.id}/members`, { method: 'POST', body: { memberId: m.id } });
                      setQ('');
                    })
                  }
                >
                  + {m.email}
                </button>
                {m.name ? <span className="muted"> {m.name}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <div className="small muted">No one else matches “{debounced}”.</div>
        )
      ) : null}
    </div>
  );
}
