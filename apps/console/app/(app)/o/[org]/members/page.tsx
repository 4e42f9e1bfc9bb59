import { assignableRoles } from '@atrium/core';
import { listMembers } from '@atrium/db';
import type { Metadata } from 'next';
import Link from 'next/link';
import { MembersTable } from '../../../../../src/components/members-table';
import { Forbidden, formatDate, PageHeader } from '../../../../../src/components/page-bits';
import { ListSearch, Pager } from '../../../../../src/components/paged-list';
import { db } from '../../../../../src/server/db';
import { orFirstPage, ZListQuery } from '../../../../../src/server/list-query';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('member:read')) return <Forbidden what="the member list" role={ctx.role} orgSlug={ctx.org.slug} />;
  const list = ZListQuery.parse(await searchParams);
  const path = `/o/${ctx.org.slug}/members`;
  const page = await orFirstPage(listMembers(db(), { orgId: ctx.org.id, q: list.q, cursor: list.cursor, limit: 50 }), path);
  return (
    <>
      <PageHeader
        title="Members"
        description="Roles decide what each person may do: owners manage everything, admins manage people and policy, developers use clusters, billing sees spend and invoices."
        actions={
          ctx.can('invitation:create') ? (
            <Link className="button primary" href={`/o/${ctx.org.slug}/invitations`}>
              Invite a teammate
            </Link>
          ) : null
        }
      />
      <ListSearch path={path} params={list} label="Find a member" placeholder="email or name" />
      <MembersTable
        org={ctx.org.slug}
        canEdit={ctx.can('member:update-role')}
        assignable={assignableRoles(ctx.role)}
        viewerMemberId={ctx.membership.id}
        searching={!!list.q}
        members={page.items.map((m) => ({
          id: m.id,
          email: m.email,
          name: m.name,
          role: m.role,
          teams: m.teams.map((t) => t.name),
          joined: formatDate(m.createdAt),
        }))}
      />
      <Pager path={path} params={list} prevCursor={page.prevCursor} nextCursor={page.nextCursor} shown={page.items.length} noun="members" />
    </>
  );
}
