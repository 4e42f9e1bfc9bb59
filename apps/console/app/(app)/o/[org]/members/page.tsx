import { assignableRoles } from '@atrium/core';
import { listMembers } from '@atrium/db';
import type { Metadata } from 'next';
import Link from 'next/link';
import { MembersTable } from '../../../../../src/components/members-table';
import { Forbidden, formatDate, PageHeader } from '../../../../../src/components/page-bits';
import { db } from '../../../../../src/server/db';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('member:read')) return <Forbidden what="the member list" role={ctx.role} orgSlug={ctx.org.slug} />;
  const members = await listMembers(db(), { orgId: ctx.org.id });
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
      <MembersTable
        org={ctx.org.slug}
        canEdit={ctx.can('member:update-role')}
        assignable={assignableRoles(ctx.role)}
        viewerMemberId={ctx.membership.id}
        members={members.map((m) => ({
          id: m.id,
          email: m.email,
          name: m.name,
          role: m.role,
          teams: m.teams.map((t) => t.name),
          joined: formatDate(m.createdAt),
        }))}
      />
    </>
  );
}
