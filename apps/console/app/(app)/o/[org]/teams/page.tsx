import { listMembers, listTeams } from '@atrium/db';
import type { Metadata } from 'next';
import { PageHeader } from '../../../../../src/components/page-bits';
import { TeamTree } from '../../../../../src/components/team-tree';
import { db } from '../../../../../src/server/db';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Teams' };

export default async function TeamsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  const canEdit = ctx.can('team:write');
  const [teams, members] = await Promise.all([listTeams(db(), { orgId: ctx.org.id }), canEdit ? listMembers(db(), { orgId: ctx.org.id }) : []]);
  return (
    <>
      <PageHeader title="Teams" description="Teams form a tree. Clusters, budgets and policies attach to its nodes; a sub-team inherits from its parents." />
      <TeamTree
        org={ctx.org.slug}
        canEdit={canEdit}
        teams={teams.map((t) => ({
          id: t.id,
          parentId: t.parentId,
          slug: t.slug,
          name: t.name,
          members: t.members.map((m) => ({ membershipId: m.membershipId, email: m.email })),
        }))}
        members={members.map((m) => ({ id: m.id, email: m.email }))}
      />
    </>
  );
}
