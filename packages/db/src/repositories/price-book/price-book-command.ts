/**
 * The platform operator's price book tool (`npm run pricebook -- …`): show the book in force
 * for the platform or an org at any instant, and append versioned entries — a new price, a new
 * rule, a retirement, a region multiplier — effective now or from a date. Entries are never
 * edited, so any past run-rate can still be recomputed exactly.
 */
import {
  formatBytes,
  formatCpuMillis,
  formatMicros,
  type MatchCondition,
  PPM,
  PRICING_SETTING_NAMES,
  PRICING_SETTINGS,
  type PriceBook,
  type PriceBookEntry,
  PriceBookError,
  type PriceRule,
  type PricingSetting,
  parseBytes,
  parseCpuMillis,
  parseDollarsToMicros,
  priceBookAt,
  QuantityError,
} from '@atrium/core';
import { z } from 'zod';
import type { Db } from '../shared.js';
import { addPriceBookEntries } from './add-price-book-entries.js';
import { entryFromRow, parseRule } from './price-book-row.js';

export const PRICE_BOOK_USAGE = `usage: npm run pricebook -- <command> [--org <slug>] [--from <ISO date>]
  show [--at <ISO date>]                       the rules and region multipliers in force (platform, or the org's with overrides)
  history                                      every entry of the platform's (or the org's) book, oldest first
  set-price <rule key> <dollars>               a new price for a rule in force (copies the rule, e.g. set-price service-load-balancer 1.50)
  set-rule '<rule JSON>'                       add or replace a rule (priceMicros as a digit string; see core PriceRuleSchema)
  retire <rule key>                            the rule stops applying (for an org: waives the platform rule)
  region <region slug> <multiplier>            a region multiplier, e.g. region us-east 1.25
  set <setting> <value> [--region <slug>]      a pricing setting: floor-cpu 250m, floor-memory 256Mi (the least a container is
                                               priced at), daemonset-nodes 5 (per region with --region); an org's can raise, not lower
Entries apply from --from (default: now); --org makes them the org's overrides.`;

/** Thrown for bad input: the CLI prints the message and the usage, and exits 2. */
export class PriceBookCommandError extends Error {
  override name = 'PriceBookCommandError';
}

const dateSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a date: use an ISO date such as 2026-12-01 or 2026-12-01T00:00:00Z')
  .transform((s) => new Date(s));

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new PriceBookCommandError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

function parseDate(value: string | undefined, name: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const parsed = dateSchema.safeParse(value);
  if (!parsed.success) throw new PriceBookCommandError(`${name}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** "×1.25" from parts per million, exactly. */
function formatMultiplier(ppm: bigint): string {
  const whole = ppm / PPM;
  const fraction = (ppm % PPM).toString().padStart(6, '0').replace(/0+$/, '');
  return `×${whole}${fraction ? `.${fraction}` : ''}`;
}

function parseMultiplier(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) throw new PriceBookCommandError(`invalid multiplier ${JSON.stringify(text)}: use a number such as 1.25 (at most 6 decimals)`);
  return BigInt(match[1]!) * PPM + BigInt((match[2] ?? '').padEnd(6, '0'));
}

function describeCondition(c: MatchCondition): string {
  const path = Array.isArray(c.path) ? c.path.join('.') : c.path;
  switch (c.op) {
    case 'equals':
      return `${path} = ${JSON.stringify(c.value)}`;
    case 'notEquals':
      return `${path} != ${JSON.stringify(c.value)}`;
    case 'in':
    case 'notIn':
      return `${path} ${c.op} [${c.values.map((v) => JSON.stringify(v)).join(', ')}]`;
    default:
      return `${path} ${c.op}`;
  }
}

function describeRule(rule: PriceRule): string {
  const target = [rule.apiGroup !== undefined ? (rule.apiGroup === '' ? 'core' : rule.apiGroup) : undefined, rule.kind].filter(Boolean).join('/');
  const when = rule.conditions?.length ? ` when ${rule.conditions.map(describeCondition).join(' and ')}` : '';
  return `${rule.key.padEnd(24)} ${formatMicros(rule.priceMicros).padStart(10)} per ${rule.unit.padEnd(17)} ${target || 'any object'}${when}  (${rule.description})`;
}

async function loadEntries(db: Db, orgId: string | null): Promise<PriceBookEntry[]> {
  const rows = await db.priceBookEntry.findMany({
    where: orgId === null ? { orgId: null } : { OR: [{ orgId: null }, { orgId }] },
    orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }],
  });
  return rows.map(entryFromRow);
}

function formatSetting(setting: PricingSetting, value: bigint): string {
  const unit = PRICING_SETTINGS[setting].unit;
  return unit === 'cpu' ? formatCpuMillis(value) : unit === 'memory' ? formatBytes(value) : value.toString();
}

function parseSetting(setting: string, text: string): { setting: PricingSetting; value: bigint } {
  if (!(PRICING_SETTING_NAMES as string[]).includes(setting)) {
    throw new PriceBookCommandError(`unknown setting ${JSON.stringify(setting)}: one of ${PRICING_SETTING_NAMES.join(', ')}`);
  }
  const name = setting as PricingSetting;
  const unit = PRICING_SETTINGS[name].unit;
  try {
    if (unit === 'cpu') return { setting: name, value: parseCpuMillis(text) };
    if (unit === 'memory') return { setting: name, value: parseBytes(text) };
  } catch (e) {
    if (e instanceof QuantityError) throw new PriceBookCommandError(`${setting}: ${e.message}`);
    throw e;
  }
  if (!/^\d{1,6}$/.test(text)) throw new PriceBookCommandError(`${setting}: expected a whole number of nodes, got ${JSON.stringify(text)}`);
  return { setting: name, value: BigInt(text) };
}

function settingLines(book: PriceBook): string[] {
  const lines = [
    `  setting floor-cpu       ${formatSetting('floor-cpu', book.requestFloor.cpuMillis)}  (${PRICING_SETTINGS['floor-cpu'].description})`,
    `  setting floor-memory    ${formatSetting('floor-memory', book.requestFloor.memoryBytes)}  (${PRICING_SETTINGS['floor-memory'].description})`,
    `  setting daemonset-nodes ${book.daemonSetNodes.default}  (${PRICING_SETTINGS['daemonset-nodes'].description})`,
  ];
  for (const [region, nodes] of [...book.daemonSetNodes.byRegion].sort()) lines.push(`  setting daemonset-nodes ${nodes} in region ${region}`);
  return lines;
}

/** Runs one command; returns the lines to print. Throws PriceBookCommandError for bad input. */
export async function runPriceBookCommand(db: Db, argv: readonly string[], now: Date = new Date()): Promise<string[]> {
  const args = [...argv];
  const orgSlug = flag(args, '--org');
  const from = parseDate(flag(args, '--from'), '--from', now);
  const at = parseDate(flag(args, '--at'), '--at', now);
  const [command, ...rest] = args;
  let orgId: string | null = null;
  if (orgSlug !== undefined) {
    const org = await db.organization.findUnique({ where: { slug: orgSlug }, select: { id: true } });
    if (!org) throw new PriceBookCommandError(`no organisation with slug ${JSON.stringify(orgSlug)}`);
    orgId = org.id;
  }
  const scope = orgSlug === undefined ? 'the platform' : `org ${orgSlug}`;
  const entries = await loadEntries(db, orgId);
  const write = async (entry: PriceBookEntry, done: string): Promise<string[]> => {
    try {
      // Reject what core would refuse to read back, before anything is written.
      priceBookAt([...entries, entry], orgId, entry.effectiveFrom);
    } catch (e) {
      if (e instanceof PriceBookError) throw new PriceBookCommandError(e.message);
      throw e;
    }
    const written = await addPriceBookEntries(db, [entry]);
    if (written === 0)
      throw new PriceBookCommandError(`an entry for the same subject already takes effect at ${entry.effectiveFrom.toISOString()} in ${scope}`);
    return [`${done} for ${scope}, effective ${entry.effectiveFrom.toISOString()}`];
  };

  switch (command) {
    case 'show': {
      const book = priceBookAt(entries, orgId, at);
      const lines = [`price book of ${scope} at ${at.toISOString()}: ${book.rules.length} rules`];
      for (const rule of book.rules) lines.push(`  ${describeRule(rule)}`);
      for (const [region, ppm] of [...book.regionMultipliersPpm].sort()) lines.push(`  region ${region} ${formatMultiplier(ppm)}`);
      lines.push(...settingLines(book));
      return lines;
    }
    case 'history': {
      const own = entries.filter((e) => e.orgId === orgId);
      return [
        `${own.length} entries in the book of ${scope}`,
        ...own.map((e) => {
          const when = e.effectiveFrom.toISOString();
          if (e.type === 'rule') return `  ${when} rule    ${describeRule(e.rule)}`;
          if (e.type === 'retire-rule') return `  ${when} retire  ${e.ruleKey}`;
          if (e.type === 'setting')
            return `  ${when} setting ${e.setting} ${formatSetting(e.setting, e.value)}${e.region !== undefined ? ` in region ${e.region}` : ''}`;
          return `  ${when} region  ${e.region} ${formatMultiplier(e.multiplierPpm)}`;
        }),
      ];
    }
    case 'set-price': {
      const [key, dollars] = rest;
      if (!key || !dollars) throw new PriceBookCommandError('set-price needs a rule key and a price in dollars');
      const current = priceBookAt(entries, orgId, from).rules.find((r) => r.key === key);
      if (!current) throw new PriceBookCommandError(`no rule ${JSON.stringify(key)} is in force for ${scope} at ${from.toISOString()}: add it with set-rule`);
      let priceMicros: bigint;
      try {
        priceMicros = parseDollarsToMicros(dollars);
      } catch (e) {
        throw new PriceBookCommandError((e as Error).message);
      }
      if (priceMicros < 0n) throw new PriceBookCommandError('a price must not be negative');
      return write(
        { type: 'rule', orgId, effectiveFrom: from, rule: { ...current, priceMicros } },
        `${key}: ${formatMicros(current.priceMicros)} → ${formatMicros(priceMicros)} per ${current.unit}`,
      );
    }
    case 'set-rule': {
      const [json] = rest;
      if (!json) throw new PriceBookCommandError('set-rule needs the rule as JSON');
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        throw new PriceBookCommandError('set-rule: the rule is not valid JSON');
      }
      let rule: PriceRule;
      try {
        rule = parseRule(value, 'set-rule');
      } catch (e) {
        if (e instanceof PriceBookError) throw new PriceBookCommandError(e.message);
        throw e;
      }
      return write({ type: 'rule', orgId, effectiveFrom: from, rule }, `rule ${rule.key} set`);
    }
    case 'retire': {
      const [key] = rest;
      if (!key) throw new PriceBookCommandError('retire needs a rule key');
      const inForce = priceBookAt(entries, orgId, from).rules.some((r) => r.key === key);
      if (!inForce) throw new PriceBookCommandError(`no rule ${JSON.stringify(key)} is in force for ${scope} at ${from.toISOString()}`);
      return write({ type: 'retire-rule', orgId, effectiveFrom: from, ruleKey: key }, `rule ${key} retired`);
    }
    case 'region': {
      const [region, multiplier] = rest;
      if (!region || !multiplier) throw new PriceBookCommandError('region needs a region slug and a multiplier');
      const known = await db.region.findUnique({ where: { slug: region }, select: { id: true } });
      if (!known) throw new PriceBookCommandError(`no region ${JSON.stringify(region)}`);
      const multiplierPpm = parseMultiplier(multiplier);
      return write({ type: 'region-multiplier', orgId, effectiveFrom: from, region, multiplierPpm }, `region ${region} ${formatMultiplier(multiplierPpm)}`);
    }
    case 'set': {
      const [name, text] = rest;
      if (!name || !text) throw new PriceBookCommandError(`set needs a setting (${PRICING_SETTING_NAMES.join(', ')}) and a value`);
      const region = flag(rest, '--region');
      const { setting, value } = parseSetting(name, text);
      if (region !== undefined) {
        const known = await db.region.findUnique({ where: { slug: region }, select: { id: true } });
        if (!known) throw new PriceBookCommandError(`no region ${JSON.stringify(region)}`);
      }
      const before = priceBookAt(entries, orgId, from);
      const entry: PriceBookEntry = { type: 'setting', orgId, effectiveFrom: from, setting, value, ...(region !== undefined ? { region } : {}) };
      const lines = await write(entry, `${setting} ${formatSetting(setting, value)}${region !== undefined ? ` in region ${region}` : ''}`);
      const after = priceBookAt([...entries, entry], orgId, from);
      const inForce = (b: PriceBook) =>
        setting === 'floor-cpu'
          ? b.requestFloor.cpuMillis
          : setting === 'floor-memory'
            ? b.requestFloor.memoryBytes
            : ((region !== undefined ? b.daemonSetNodes.byRegion.get(region) : undefined) ?? b.daemonSetNodes.default);
      if (inForce(after) !== value)
        lines.push(`note: ${setting} stays ${formatSetting(setting, inForce(after))} for ${scope}: an org's setting can raise the platform's, never lower it`);
      else if (inForce(before) !== value)
        lines.push(
          `${setting}: ${formatSetting(setting, inForce(before))} → ${formatSetting(setting, value)}; run \`npm run cost:check -- --fix\` to reprice what is running`,
        );
      return lines;
    }
    default:
      throw new PriceBookCommandError(command ? `unknown command ${JSON.stringify(command)}` : 'no command given');
  }
}
