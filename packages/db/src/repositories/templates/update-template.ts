import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';
import { checkTemplateInput } from './check-template-input.js';
import { templateAuditView } from './create-template.js';
import { type TemplateInput, type TemplateRow, templateInclude, toTemplateRow } from './template-row.js';
import { enqueueTemplateWorkspaceTypeSync } from './template-workspace-type.js';

export type TemplatePatch = Partial<Omit<TemplateInput, 'slug'>>;

/**
 * Changes an org template (the slug stays: it names the template in requests and in the
 * backend). Platform templates are read-only to orgs. Existing clusters keep what they got;
 * the new rules apply to the next request.
 */
export async function updateTemplate(db: Db, o: { orgId: string; actor: Actor; templateId: string; patch: TemplatePatch }): Promise<TemplateRow> {
  return db.$transaction(async (tx) => {
    const current = await tx.clusterTemplate.findFirst({
      where: { id: o.templateId, OR: [{ orgId: null }, { orgId: o.orgId }] },
      include: templateInclude(o.orgId),
    });
    if (!current) throw AppError.notFound('Template');
    if (current.orgId === null) throw new AppError('FORBIDDEN', 'Platform templates are read-only: create an org template instead.');
    const before = toTemplateRow(current);
    const next: Omit<TemplateInput, 'slug'> = {
      name: o.patch.name ?? before.name,
      description: o.patch.description ?? before.description,
      apiSets: o.patch.apiSets ?? before.apiSets,
      allowedRegions: o.patch.allowedRegions ?? before.allowedRegions,
      defaultBudgetMicros: o.patch.defaultBudgetMicros !== undefined ? o.patch.defaultBudgetMicros : before.defaultBudgetMicros,
      maxBudgetMicros: o.patch.maxBudgetMicros !== undefined ? o.patch.maxBudgetMicros : before.maxBudgetMicros,
      podSecurity: o.patch.podSecurity ?? before.podSecurity,
      maxClustersPerTeam: o.patch.maxClustersPerTeam !== undefined ? o.patch.maxClustersPerTeam : before.maxClustersPerTeam,
      teamIds: o.patch.teamIds !== undefined ? o.patch.teamIds : (before.teams?.map((t) => t.id) ?? null),
    };
    await checkTemplateInput(tx, o.orgId, next);
    if (o.patch.teamIds !== undefined) {
      await tx.templateTeam.deleteMany({ where: { templateId: current.id } });
      if (next.teamIds?.length) await tx.templateTeam.createMany({ data: [...new Set(next.teamIds)].map((teamId) => ({ templateId: current.id, teamId })) });
    }
    const updated = await tx.clusterTemplate.update({
      where: { id: current.id },
      data: {
        name: next.name,
        description: next.description,
        apiSets: next.apiSets,
        allowedRegions: next.allowedRegions,
        defaultBudgetMicros: next.defaultBudgetMicros,
        maxBudgetMicros: next.maxBudgetMicros,
        podSecurity: next.podSecurity,
        maxClustersPerTeam: next.maxClustersPerTeam,
        restrictedToTeams: next.teamIds !== null,
      },
      include: templateInclude(o.orgId),
    });
    const row = toTemplateRow(updated);
    await enqueueTemplateWorkspaceTypeSync(tx, { orgId: o.orgId, slug: row.slug });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'template.update',
      targetType: 'template',
      targetId: row.id,
      before: templateAuditView(before),
      after: templateAuditView(row),
    });
    return row;
  });
}
