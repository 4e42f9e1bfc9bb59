'use client';

import { api } from './api-client';
import { FormError } from './form';
import { DataTable } from './paged-list';
import { useRowActions } from './use-row-actions';

export interface MemberView {
  id: string;
  email: string;
  name: string | null;
  role: string;
  teams: string[];
  joined: string;
}

/** One page of members; the page around it renders the search box and page links. */
export function MembersTable({
  org,
  members,
  assignable,
  canEdit,
  viewerMemberId,
  searching,
}: {
  org: string;
  members: MemberView[];
  assignable: string[];
  canEdit: boolean;
  viewerMemberId: string;
  searching: boolean;
}) {
  const { error, busy, run } = useRowActions();
  // Only roles the viewer may hand out, and only for members they may manage.
  const manageable = (m: MemberView) => canEdit && assignable.includes(m.role);
  return (
    <>
      <FormError error={error} />
      <DataTable
        rows={members}
        rowKey={(m) => m.id}
        rowTestId={(m) => `member-${m.email}`}
        empty={searching ? <strong>No member matches that search</strong> : <strong>No members</strong>}
        columns={[
          {
            header: 'Member',
            cell: (m) => (
              <>
                <div>{m.name ?? m.email}</div>
                <div className="small muted">
                  {m.email}
                  {m.id === viewerMemberId ? ' (you)' : ''}
                </div>
              </>
            ),
          },
          {
            header: 'Role',
            cell: (m) =>
              manageable(m) ? (
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  disabled={busy === m.id}
                  onChange={(e) => void run(m.id, () => api(`/orgs/${org}/members/${m.id}`, { method: 'PATCH', body: { role: e.target.value } }))}
                  style={{ width: 'auto' }}
                >
                  {assignable.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <span className={`badge ${m.role}`}>{m.role}</span>
              ),
          },
          { header: 'Teams', className: 'small', cell: (m) => (m.teams.length ? m.teams.join(', ') : <span className="muted">—</span>) },
          { header: 'Joined', className: 'small muted', cell: (m) => m.joined },
          canEdit && {
            header: '',
            ariaLabel: 'Actions',
            cell: (m) =>
              manageable(m) ? (
                <button
                  type="button"
                  className="small danger"
                  disabled={busy === m.id}
                  aria-label={`Remove ${m.email}`}
                  onClick={() => {
                    if (window.confirm(`Remove ${m.email} from the organisation? Their API tokens for it stop working.`)) {
                      void run(m.id, () => api(`/orgs/${org}/members/${m.id}`, { method: 'DELETE' }));
                    }
                  }}
                >
                  Remove
                </button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
