import { effectiveTeamIds } from '@atrium/core';
import { listClusters, listRegions, listTeams, listTemplates } from '@atrium/db';
import type { Metadata } from 'next';
import { toClusterDto, toTemplateDto } from '../../../../../src/api/dto';
import { ClustersPanel } from '../../../../../src/components/clusters-panel';
import { Forbidden, PageHeader } from '../../../../../src/components/page-bits';
import { db } from '../../../../../src/server/db';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Clusters' };

export default async function ClustersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('cluster:read')) return <Forbidden what="clusters" role={ctx.role} orgSlug={ctx.org.slug} />;
  const [clusters, teams, templates, regions] = await Promise.all([
    listClusters(db(), { orgId: ctx.org.id }),
    listTeams(db(), { orgId: ctx.org.id, memberId: ctx.membership.id }),
    listTemplates(db(), { orgId: ctx.org.id }),
    listRegions(db()),
  ]);
  // The teams the form offers: every team for admins, a developer's own teams and their sub-teams.
  const mine = effectiveTeamIds(
    teams,
    teams.filter((t) => t.hasMember).map((t) => t.id),
  );
  const requestable = ctx.can('cluster:manage-any-team') ? teams : teams.filter((t) => mine.has(t.id));
  return (
    <>
      <PageHeader
        title="Clusters"
        description="Each logical cluster is a full Kubernetes API endpoint for a team, made from a template that decides its APIs, regions, budget and limits."
      />
      <ClustersPanel
        org={ctx.org.slug}
        canRequest={ctx.can('cluster:create')}
        clusters={clusters.map(toClusterDto)}
        teams={requestable.map((t) => ({ id: t.id, slug: t.slug, name: t.name }))}
        hasTeams={teams.length > 0}
        canCreateTeams={ctx.can('team:write')}
        templates={templates.map(toTemplateDto)}
        regions={regions}
      />
    </>
  );
}
