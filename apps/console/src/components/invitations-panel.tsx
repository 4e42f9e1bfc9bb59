'use client';

import { useRouter } from 'next/navigation';
import { api } from './api-client';
import { Field, FormError, useApiForm } from './form';
import { DataTable } from './paged-list';
import { useRowActions } from './use-row-actions';

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

/** One page of invitations; the page around it renders the search box and page links. */
export function InvitationsTable({
  org,
  invitations,
  canRevoke,
  searching,
}: {
  org: string;
  invitations: InvitationView[];
  canRevoke: boolean;
  searching: boolean;
}) {
  const { error, busy, run } = useRowActions();
  return (
    <>
      <FormError error={error} />
      <DataTable
        rows={invitations}
        rowKey={(i) => i.id}
        rowTestId={(i) => `invitation-${i.email}`}
        empty={
          searching ? (
            <strong>No invitation matches that search</strong>
          ) : (
            <>
              <strong>No invitations yet</strong>Invite teammates by email above; they get a link that works once and expires in 7 days.
            </>
          )
        }
        columns={[
          {
            header: 'Email',
            cell: (i) => (
              <>
                {i.email}
                {i.invitedBy ? <div className="small muted">by {i.invitedBy}</div> : null}
              </>
            ),
          },
          { header: 'Role', cell: (i) => <span className={`badge ${i.role}`}>{i.role}</span> },
          { header: 'Team', className: 'small', cell: (i) => i.team ?? '—' },
          { header: 'Status', cell: (i) => <span className={`badge ${i.status}`}>{i.status}</span> },
          { header: 'Expires', className: 'small muted', cell: (i) => i.expires },
          canRevoke && {
            header: '',
            ariaLabel: 'Actions',
            cell: (i) =>
              i.status === 'pending' ? (
                <button
                  type="button"
                  className="small danger"
                  disabled={busy === i.id}
                  aria-label={`Revoke the invitation for ${i.email}`}
                  onClick={() => void run(i.id, () => api(`/orgs/${org}/invitations/${i.id}`, { method: 'DELETE' }), 'Could not revoke.')}
                >
                  Revoke
                </button>
              ) : null,
          },
        ]}
      />
    </>
  );
}
