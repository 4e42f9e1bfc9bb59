import { AppError } from '@atrium/core';
import type { DbOrTx } from '../shared.js';
import { type TemplateRow, templateInclude, toTemplateRow } from './template-row.js';

/** A template the org can see (its own or the platform's); anything else is "not found". */
export async function getTemplate(db: DbOrTx, o: { orgId: string; templateId: string }): Promise<TemplateRow> {
  const row = await db.clusterTemplate.findFirst({
    where: { id: o.templateId, OR: [{ orgId: null }, { orgId: o.orgId }] },
    include: templateInclude(o.orgId),
  });
  if (!row) throw AppError.notFound('Template');
  return toTemplateRow(row);
}
