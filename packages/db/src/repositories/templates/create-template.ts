import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, isUniqueViolation } from '../shared.js';
import { checkTemplateInput } from './check-template-input.js';
import { type TemplateInput, type TemplateRow, templateInclude, toTemplateRow } from './template-row.js';
import { enqueueTemplateWorkspaceTypeSync } from './template-workspace-type.js';

export function templateAuditView(t: TemplateRow) {
  return {
    slug: t.slug,
    name: t.name,
    apiSets: t.apiSets,
    allowedRegions: t.allowedRegions,
    defaultBudgetMicros: t.defaultBudgetMicros?.toString() ?? null,
    maxBudgetMicros: t.maxBudgetMicros?.toString() ?? null,
    podSecurity: t.podSecurity,
    maxClustersPerTeam: t.maxClustersPerTeam,
    teams: t.teams?.map((x) => x.slug) ?? null,
  };
}

/** An org's own template. Its slug may not shadow a platform template's, so a slug names one template. */
export async function createTemplate(db: Db, o: { orgId: string; actor: Actor; input: TemplateInput }): Promise<TemplateRow> {
  const { input } = o;
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.clusterTemplate.findFirst({ where: { orgId: null, slug: input.slug }, select: { id: true } })) {
        throw new AppError('CONFLICT', `The platform already provides a template "${input.slug}": choose another slug.`, {
          details: { fields: { slug: ['A platform template has this slug.'] } },
        });
      }
      await checkTemplateInput(tx, o.orgId, input);
      const created = await tx.clusterTemplate.create({
        data: {
          orgId: o.orgId,
          slug: input.slug,
          name: input.name,
          description: input.description,
          apiSets: input.apiSets,
          allowedRegions: input.allowedRegions,
          defaultBudgetMicros: input.defaultBudgetMicros,
          maxBudgetMicros: input.maxBudgetMicros,
          podSecurity: input.podSecurity,
          maxClustersPerTeam: input.maxClustersPerTeam,
          restrictedToTeams: input.teamIds !== null,
          teams: { create: [...new Set(input.teamIds ?? [])].map((teamId) => ({ teamId })) },
        },
        include: templateInclude(o.orgId),
      });
      const row = toTemplateRow(created);
      await enqueueTemplateWorkspaceTypeSync(tx, { orgId: o.orgId, slug: row.slug });
      await recordAuditEvent(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: 'template.create',
        targetType: 'template',
        targetId: row.id,
        after: templateAuditView(row),
      });
      return row;
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError('CONFLICT', `A template with the slug "${input.slug}" already exists.`, {
        details: { fields: { slug: ['This slug is taken in this organisation.'] } },
      });
    }
    throw e;
  }
}
