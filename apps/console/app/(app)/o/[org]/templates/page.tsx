import { listRegions, listTeams, listTemplates } from '@atrium/db';
import type { Metadata } from 'next';
import { toTemplateDto } from '../../../../../src/api/dto';
import { Forbidden, PageHeader } from '../../../../../src/components/page-bits';
import { TemplatesPanel } from '../../../../../src/components/templates-panel';
import { db } from '../../../../../src/server/db';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Templates' };

export default async function TemplatesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('template:read')) return <Forbidden what="cluster templates" role={ctx.role} orgSlug={ctx.org.slug} />;
  const [templates, teams, regions] = await Promise.all([
    listTemplates(db(), { orgId: ctx.org.id }),
    listTeams(db(), { orgId: ctx.org.id }),
    listRegions(db()),
  ]);
  return (
    <>
      <PageHeader
        title="Cluster templates"
        description="A template decides what a cluster gets (API sets, pod security) and what it may do (regions, budget, how many per team, which teams). Platform templates are provided for every org and read-only here."
      />
      <TemplatesPanel
        org={ctx.org.slug}
        canEdit={ctx.can('template:write')}
        templates={templates.map(toTemplateDto)}
        teams={teams.map((t) => ({ id: t.id, slug: t.slug, name: t.name }))}
        regions={regions}
      />
    </>
  );
}
