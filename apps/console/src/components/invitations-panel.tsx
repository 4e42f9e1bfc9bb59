'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from './api-client';
import { Field, FormError, useApiForm } from './form';

export interface InvitationView {
  id: string;
  email: string;
  role: string;
  team: string | null;
  status: string;
  invitedBy: string | null;
  expires: string;
}

export function InviteForm({ org, roles, teams }: { org: string; roles: string[]; teams: Array<{ id: string; label: string }> }) {
  const router = useRouter();
  const form = useApiForm(
    (v) => api<{ email: string }>(`/orgs/${org}/invitations`, { method: 'POST', body: { email: v.email, role: v.role, teamId: v.teamId ? v.teamId : null } }),
    () => router.refresh(),
  );
  return (
    <form
      onSubmit={(e) => {
        form.onSubmit(e);
      }}
      noValidate
      aria-label="Invite a teammate"
    >
      {form.data ? (
        <div className="alert ok" role="status">
          Invitation sent to {form.data.email}.
        </div>
      ) : null}
      <FormError error={form.error} />
      <div className="grid-2">
        <Field label="Email" name="email" type="email" required errors={form.fields.email} placeholder="teammate@example.com" />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="role" defaultValue={roles.includes('developer') ? 'developer' : roles[0]}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="invite-team">Team (optional)</label>
          <select id="invite-team" name="teamId" defaultValue="">
            <option value="">No team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button className="primary" type="submit" disabled={form.pending}>
        {form.pending ? 'Sending…' : 'Send invitation'}
      </button>
    </form>
  );
}

export function InvitationsTable({ org, invitations, canRevoke }: { org: string; invitations: InvitationView[]; canRevoke: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);
  if (invitations.length === 0) {
    return (
      <div className="empty">
        <strong>No invitations yet</strong>Invite teammates by email above; they get a link that works once and expires in 7 days.
      </div>
    );
  }
  return (
    <>
      <FormError error={error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Team</th>
              <th>Status</th>
              <th>Expires</th>
              {canRevoke ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {invitations.map((i) => (
              <tr key={i.id} data-testid={`invitation-${i.email}`}>
                <td>
                  {i.email}
                  {i.invitedBy ? <div className="small muted">by {i.invitedBy}</div> : null}
                </td>
                <td>
                  <span className={`badge ${i.role}`}>{i.role}</span>
                </td>
                <td className="small">{i.team ?? '—'}</td>
                <td>
                  <span className={`badge ${i.status}`}>{i.status}</span>
                </td>
                <td className="small muted">{i.expires}</td>
                {canRevoke ? (
                  <td>
                    {i.status === 'pending' ? (
                      <button
                        type="button"
                        className="small danger"
                        aria-label={`Revoke the invitation for ${i.email}`}
                        onClick={async () => {
                          setError(null);
                          try {
                            await api(`/orgs/${org}/invitations/${i.id}`, { method: 'DELETE' });
                            router.refresh();
                          } catch (e) {
                            setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Could not revoke.'));
                          }
                        }}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
