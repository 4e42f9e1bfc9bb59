import { assignableRoles, buildTeamTree } from '@atrium/core';
import { listInvitations, listTeams } from '@atrium/db';
import type { Metadata } from 'next';
import { InvitationsTable, InviteForm } from '../../../../../src/components/invitations-panel';
import { Forbidden, formatDate, PageHeader } from '../../../../../src/components/page-bits';
import { ListSearch, Pager } from '../../../../../src/components/paged-list';
import { db } from '../../../../../src/server/db';
import { orFirstPage, ZListQuery } from '../../../../../src/server/list-query';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Invitations' };

export default async function InvitationsPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('invitation:read')) return <Forbidden what="invitations" role={ctx.role} orgSlug={ctx.org.slug} />;
  const list = ZListQuery.parse(await searchParams);
  const path = `/o/${ctx.org.slug}/invitations`;
  const [page, teams] = await Promise.all([
    orFirstPage(listInvitations(db(), { orgId: ctx.org.id, q: list.q, cursor: list.cursor, limit: 50 }), path),
    listTeams(db(), { orgId: ctx.org.id }),
  ]);
  const flat: Array<{ id: string; label: string }> = [];
  const walk = (nodes: ReturnType<typeof buildTeamTree<(typeof teams)[number]>>) => {
    for (const n of nodes) {
      flat.push({ id: n.id, label: `${'\u00a0\u00a0'.repeat(n.depth)}${n.name}` });
      walk(n.children);
    }
  };
  walk(buildTeamTree(teams, (a, b) => a.name.localeCompare(b.name)));
  return (
    <>
      <PageHeader title="Invitations" description="Invite people by email with a role and, optionally, a team." />
      {ctx.can('invitation:create') ? (
        <div className="card">
          <h2>Invite a teammate</h2>
          <InviteForm org={ctx.org.slug} roles={assignableRoles(ctx.role)} teams={flat} />
        </div>
      ) : null}
      <h2>Sent invitations</h2>
      <ListSearch path={path} params={list} label="Find an invitation" placeholder="email" />
      <InvitationsTable
        org={ctx.org.slug}
        canRevoke={ctx.can('invitation:revoke')}
        searching={!!list.q}
        invitations={page.items.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.role,
          team: i.team?.name ?? null,
          status: i.status,
          invitedBy: i.invitedByEmail,
          expires: formatDate(i.expiresAt),
        }))}
      />
      <Pager path={path} params={list} prevCursor={page.prevCursor} nextCursor={page.nextCursor} shown={page.items.length} noun="invitations" />
    </>
  );
}
