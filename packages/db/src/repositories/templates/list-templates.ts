import type { DbOrTx } from '../shared.js';
import { type TemplateRow, templateInclude, toTemplateRow } from './template-row.js';

/** The platform's templates and the org's own, platform first. */
export async function listTemplates(db: DbOrTx, o: { orgId: string }): Promise<TemplateRow[]> {
  const rows = await db.clusterTemplate.findMany({
    where: { OR: [{ orgId: null }, { orgId: o.orgId }] },
    include: templateInclude(o.orgId),
    orderBy: [{ slug: 'asc' }],
  });
  return rows.map(toTemplateRow).sort((a, b) => Number(a.orgId !== null) - Number(b.orgId !== null) || a.slug.localeCompare(b.slug));
}
