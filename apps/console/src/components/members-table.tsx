'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from './api-client';
import { FormError } from './form';

export interface MemberView {
  id: string;
  email: string;
  name: string | null;
  role: string;
  teams: string[];
  joined: string;
}

export function MembersTable({
  org,
  members,
  assignable,
  canEdit,
  viewerMemberId,
}: {
  org: string;
  members: MemberView[];
  assignable: string[];
  canEdit: boolean;
  viewerMemberId: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function run(id: string, fn: () => Promise<unknown>) {
    setBusy(id);
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Something went wrong.'));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <FormError error={error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Teams</th>
              <th>Joined</th>
              {canEdit ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              // Only roles the viewer may hand out, and only for members they may manage.
              const manageable = canEdit && assignable.includes(m.role);
              return (
                <tr key={m.id} data-testid={`member-${m.email}`}>
                  <td>
                    <div>{m.name ?? m.email}</div>
                    <div className="small muted">
                      {m.email}
                      {m.id === viewerMemberId ? ' (you)' : ''}
                    </div>
                  </td>
                  <td>
                    {manageable ? (
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
                    )}
                  </td>
                  <td className="small">{m.teams.length ? m.teams.join(', ') : <span className="muted">—</span>}</td>
                  <td className="small muted">{m.joined}</td>
                  {canEdit ? (
                    <td>
                      {manageable ? (
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
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
