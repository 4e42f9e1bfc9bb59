import type { Metadata } from 'next';
import { Forbidden } from '../../../../../src/components/page-bits';
import { requireOrgPage } from '../../../../../src/server/page-context';
import { CostNodeView } from './cost-node-view';

export const metadata: Metadata = { title: 'Cost' };

export default async function CostPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('cost:read')) return <Forbidden what="cost" role={ctx.role} orgSlug={ctx.org.slug} />;
  return <CostNodeView ctx={ctx} node={{ scope: 'org' }} />;
}
