import { listClusters, listTeams, summarizeMembers } from '@atrium/db';
import Link from 'next/link';
import { EmptyState, formatDate, PageHeader, RoleBadge } from '../../../../src/components/page-bits';
import { db } from '../../../../src/server/db';
import { requireOrgPage } from '../../../../src/server/page-context';

export default async function OrgOverview({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  const [teams, members, clusters] = await Promise.all([
    listTeams(db(), { orgId: ctx.org.id }),
    // A count and the newest few: an org may have thousands of members.
    ctx.can('member:read') ? summarizeMembers(db(), { orgId: ctx.org.id, recent: 5 }) : null,
    ctx.can('cluster:read') ? listClusters(db(), { orgId: ctx.org.id }) : null,
  ]);
  const base = `/o/${ctx.org.slug}`;
  return (
    <>
      <PageHeader
        title={ctx.org.name}
        description={
          <>
            You are <RoleBadge role={ctx.role} /> in <span className="mono">{ctx.org.slug}</span>.
          </>
        }
      />
      <div className="grid-2">
        {clusters ? (
          <div className="card">
            <h2>Clusters</h2>
            <p className="muted">
              {clusters.length === 0
                ? 'No clusters yet.'
                : `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, ${clusters.filter((c) => c.phase === 'Ready').length} ready.`}
            </p>
            <Link href={`${base}/clusters`}>{ctx.can('cluster:create') ? 'Request or open a cluster' : 'View clusters'}</Link>
          </div>
        ) : null}
        <div className="card">
          <h2>Teams</h2>
          <p className="muted">{teams.length === 0 ? 'No teams yet.' : `${teams.length} team${teams.length === 1 ? '' : 's'}.`}</p>
          <Link href={`${base}/teams`}>{ctx.can('team:write') ? 'Manage the team tree' : 'View the team tree'}</Link>
        </div>
        {members ? (
          <div className="card">
            <h2>Members</h2>
            <p className="muted" data-testid="member-count">
              {members.count.toLocaleString('en')} member{members.count === 1 ? '' : 's'}.
            </p>
            {members.recent.length > 1 ? (
              <ul className="small" aria-label="Newest members" style={{ paddingLeft: '1rem' }}>
                {members.recent.map((m) => (
                  <li key={m.id}>
                    {m.name ?? m.email} <RoleBadge role={m.role} /> <span className="muted">joined {formatDate(m.createdAt)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="row">
              <Link href={`${base}/members`}>All members</Link>
              <Link href={`${base}/invitations`}>Invite a teammate</Link>
            </div>
          </div>
        ) : null}
        <div className="card">
          <h2>API access</h2>
          <p className="muted">Personal tokens for scripts and CI, scoped to this organisation.</p>
          <Link href={`${base}/settings/tokens`}>Manage your tokens</Link>
        </div>
      </div>
      {teams.length === 0 ? (
        <EmptyState title="Start with a team">
          <p>
            Clusters, budgets and policies attach to teams.{' '}
            {ctx.can('team:write') ? <Link href={`${base}/teams`}>Create your first team</Link> : 'Ask an admin to create one.'}
          </p>
        </EmptyState>
      ) : null}
    </>
  );
}
