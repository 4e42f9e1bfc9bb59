import { type PriceBookEntry, PriceBookError, type PriceRule, PriceRuleSchema, type PricingSetting, settingSubject, validateSetting } from '@atrium/core';
import type { PriceBookEntry as PriceBookEntryRow, Prisma } from '../../generated/prisma/client.js';

/**
 * Core's `PriceBookEntry` ⇄ the `PriceBookEntry` row. The rule travels as JSON with its price
 * as a digit string (JSON has no bigint), and is parsed by core's `PriceRuleSchema` both ways,
 * so a row that core would reject is never written and never silently read.
 */

/** How core keys an entry (`priceBookAt`): a rule and its retirement share one subject. */
export function entrySubject(entry: PriceBookEntry): string {
  switch (entry.type) {
    case 'rule':
      return `rule:${entry.rule.key}`;
    case 'retire-rule':
      return `rule:${entry.ruleKey}`;
    case 'region-multiplier':
      return `region:${entry.region}`;
    case 'setting':
      return settingSubject(entry.setting, entry.region);
  }
}

/** A rule from JSON through core's schema; throws `PriceBookError` naming `where`. */
export function parseRule(value: unknown, where: string): PriceRule {
  const parsed = PriceRuleSchema.safeParse(value);
  if (!parsed.success) throw new PriceBookError(`${where}: invalid price rule: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const r = parsed.data;
  return {
    key: r.key,
    description: r.description,
    unit: r.unit,
    priceMicros: r.priceMicros,
    ...(r.apiGroup !== undefined ? { apiGroup: r.apiGroup } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.conditions !== undefined ? { conditions: r.conditions } : {}),
  };
}

function ruleJson(rule: PriceRule): Prisma.InputJsonObject {
  return {
    key: rule.key,
    description: rule.description,
    unit: rule.unit,
    priceMicros: rule.priceMicros.toString(),
    ...(rule.apiGroup !== undefined ? { apiGroup: rule.apiGroup } : {}),
    ...(rule.kind !== undefined ? { kind: rule.kind } : {}),
    ...(rule.conditions !== undefined ? { conditions: rule.conditions as unknown as Prisma.InputJsonArray } : {}),
  };
}

/** The row for an entry; throws `PriceBookError` for an entry core would not accept. */
export function entryToRow(entry: PriceBookEntry): Prisma.PriceBookEntryCreateManyInput {
  const base = { orgId: entry.orgId, subject: entrySubject(entry), effectiveFrom: entry.effectiveFrom };
  switch (entry.type) {
    case 'rule': {
      // Round-trip through the schema so that what is stored is what will be read back.
      const json = ruleJson(entry.rule);
      parseRule(json, `rule ${entry.rule.key}`);
      return { ...base, type: 'rule', rule: json };
    }
    case 'retire-rule':
      if (entry.ruleKey.trim() === '') throw new PriceBookError('a retirement must name a rule key');
      return { ...base, type: 'retire_rule' };
    case 'region-multiplier':
      if (entry.region.trim() === '') throw new PriceBookError('a region multiplier must name a region');
      if (entry.multiplierPpm < 0n) throw new PriceBookError(`region ${entry.region}: multiplier must not be negative`);
      return { ...base, type: 'region_multiplier', region: entry.region, multiplierPpm: entry.multiplierPpm };
    case 'setting': {
      const problems = validateSetting(entry);
      if (problems.length > 0) throw new PriceBookError(problems.join('; '));
      return { ...base, type: 'setting', setting: entry.setting, settingValue: entry.value, region: entry.region ?? null };
    }
  }
}

/** The entry a row stores; throws `PriceBookError` naming the row when it is inconsistent. */
export function entryFromRow(row: PriceBookEntryRow): PriceBookEntry {
  const where = `price book entry ${row.id}`;
  const base = { orgId: row.orgId, effectiveFrom: row.effectiveFrom };
  switch (row.type) {
    case 'rule': {
      const rule = parseRule(row.rule, where);
      if (row.subject !== `rule:${rule.key}`) throw new PriceBookError(`${where}: subject ${row.subject} does not match rule ${rule.key}`);
      return { ...base, type: 'rule', rule };
    }
    case 'retire_rule': {
      if (!row.subject.startsWith('rule:')) throw new PriceBookError(`${where}: a retirement's subject must be rule:<key>`);
      return { ...base, type: 'retire-rule', ruleKey: row.subject.slice('rule:'.length) };
    }
    case 'region_multiplier': {
      if (row.region === null || row.multiplierPpm === null || row.subject !== `region:${row.region}`) {
        throw new PriceBookError(`${where}: a region multiplier needs its region and multiplier`);
      }
      return { ...base, type: 'region-multiplier', region: row.region, multiplierPpm: row.multiplierPpm };
    }
    case 'setting': {
      const region = row.region ?? undefined;
      if (row.setting === null || row.settingValue === null) throw new PriceBookError(`${where}: a setting needs its name and value`);
      const problems = validateSetting({ setting: row.setting, region, value: row.settingValue });
      if (problems.length > 0) throw new PriceBookError(`${where}: ${problems.join('; ')}`);
      const setting = row.setting as PricingSetting;
      if (row.subject !== settingSubject(setting, region)) throw new PriceBookError(`${where}: subject ${row.subject} does not match setting ${setting}`);
      return { ...base, type: 'setting', setting, value: row.settingValue, ...(region !== undefined ? { region } : {}) };
    }
  }
}
