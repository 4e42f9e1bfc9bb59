import { listBudgets } from '@atrium/db';
import type { Metadata } from 'next';
import { budgetView } from '../../../../../src/api/routes/budgets/budget-view';
import { CostPanel } from '../../../../../src/components/cost-panel';
import { Forbidden, PageHeader } from '../../../../../src/components/page-bits';
import { db } from '../../../../../src/server/db';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Cost' };

export default async function CostPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('cost:read')) return <Forbidden what="cost" role={ctx.role} orgSlug={ctx.org.slug} />;
  const tree = await listBudgets(db(), { orgId: ctx.org.id });
  const view = (b: { capMicros: bigint; committedMicros: bigint } | null) => (b ? budgetView(b.capMicros, b.committedMicros) : null);
  return (
    <>
      <PageHeader
        title="Cost"
        description="Monthly run-rate and budgets on the org → teams → clusters tree. Every change in a cluster is checked against every budget above it."
      />
      <CostPanel
        org={ctx.org.slug}
        canEdit={ctx.can('budget:write')}
        tree={{
          org: { id: tree.org.id, slug: tree.org.slug, name: tree.org.name, budget: view(tree.org.budget) },
          teams: tree.teams.map((t) => ({ id: t.id, parentId: t.parentId, slug: t.slug, name: t.name, budget: view(t.budget) })),
          clusters: tree.clusters.map((c) => ({ id: c.id, name: c.name, teamId: c.teamId, phase: c.phase, budget: view(c.budget) })),
        }}
      />
    </>
  );
}
