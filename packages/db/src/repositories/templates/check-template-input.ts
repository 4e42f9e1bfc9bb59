import { AppError } from '@atrium/core';
import type { Tx } from '../shared.js';
import type { TemplateInput } from './template-row.js';

/**
 * Rules a template must satisfy beyond its shape: regions registered on the platform, teams of
 * this org, and a default budget within the maximum. One 422 with every offending field.
 */
export async function checkTemplateInput(tx: Tx, orgId: string, input: Omit<TemplateInput, 'slug'>): Promise<void> {
  const fields: Record<string, string[]> = {};
  if (input.allowedRegions.length) {
    const known = new Set((await tx.region.findMany({ where: { slug: { in: input.allowedRegions } }, select: { slug: true } })).map((r) => r.slug));
    const unknown = input.allowedRegions.filter((r) => !known.has(r));
    if (unknown.length) fields.allowedRegions = [`Unknown region${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`];
  }
  if (input.teamIds?.length) {
    // The org id in the where: another org's team id is as unknown as a made-up one.
    const found = await tx.team.count({ where: { orgId, id: { in: input.teamIds } } });
    if (found !== new Set(input.teamIds).size) fields.teamIds = ['Choose teams of this organisation.'];
  }
  if (input.defaultBudgetMicros !== null && input.maxBudgetMicros !== null && input.defaultBudgetMicros > input.maxBudgetMicros) {
    fields.defaultBudgetMicros = ['The default budget must not be above the maximum.'];
  }
  const [first] = Object.values(fields);
  if (first) throw new AppError('VALIDATION_FAILED', first[0] ?? 'Invalid template.', { details: { fields } });
}
