import type { Metadata } from 'next';
import { Forbidden } from '../../../../../../../src/components/page-bits';
import { requireOrgPage } from '../../../../../../../src/server/page-context';
import { CostNodeView } from '../../cost-node-view';

export const metadata: Metadata = { title: 'Team cost' };

export default async function TeamCostPage({ params }: { params: Promise<{ org: string; teamId: string }> }) {
  const { org: slug, teamId } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('cost:read')) return <Forbidden what="cost" role={ctx.role} orgSlug={ctx.org.slug} />;
  return <CostNodeView ctx={ctx} node={{ scope: 'team', teamId }} />;
}
