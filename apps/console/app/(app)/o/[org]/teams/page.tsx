import { listTeams } from '@atrium/db';
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
  // Counts only: the edit form lists a team's members and searches the org through the paginated members API.
  const teams = await listTeams(db(), { orgId: ctx.org.id });
  return (
    <>
      <PageHeader title="Teams" description="Teams form a tree. Clusters, budgets and policies attach to its nodes; a sub-team inherits from its parents." />
      <TeamTree
        org={ctx.org.slug}
        canEdit={canEdit}
        teams={teams.map((t) => ({ id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, memberCount: t.memberCount }))}
      />
    </>
  );
}
