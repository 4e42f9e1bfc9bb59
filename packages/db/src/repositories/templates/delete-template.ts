import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';
import { enqueueTemplateWorkspaceTypeSync } from './template-workspace-type.js';

/**
 * Deletes an org template that no cluster was ever made from: cluster rows (tombstones
 * included, for billing history) keep pointing at their template.
 */
export async function deleteTemplate(db: Db, o: { orgId: string; actor: Actor; templateId: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const t = await tx.clusterTemplate.findFirst({ where: { id: o.templateId, OR: [{ orgId: null }, { orgId: o.orgId }] } });
    if (!t) throw AppError.notFound('Template');
    if (t.orgId === null) throw new AppError('FORBIDDEN', 'Platform templates are read-only.');
    const used = await tx.logicalCluster.count({ where: { orgId: o.orgId, templateId: t.id } });
    if (used > 0) {
      throw new AppError(
        'CONFLICT',
        `Template "${t.slug}" is used by ${used} cluster${used === 1 ? '' : 's'} (deleted ones are kept for billing history); change it instead.`,
      );
    }
    await tx.clusterTemplate.delete({ where: { id: t.id } });
    await enqueueTemplateWorkspaceTypeSync(tx, { orgId: o.orgId, slug: t.slug });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'template.delete',
      targetType: 'template',
      targetId: t.id,
      before: { slug: t.slug, name: t.name },
    });
  });
}
