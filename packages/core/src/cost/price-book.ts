import { z } from 'zod';

/**
 * The price book: which rules price an object, and at what monthly price.
 *
 * A book is assembled from versioned entries: the platform's, then the org's overrides
 * keyed by rule key, each in force from its `effectiveFrom`. Keeping every version (never
 * editing one) is what lets any past run-rate be recomputed exactly.
 */

/**
 * What one unit of a rule's `priceMicros` buys, per month. The quantity a rule is applied
 * to is measured in the unit's base measure so that no request is rounded before pricing:
 * milli-CPU for vCPU, bytes for memory and storage, a count for objects and clusters.
 */
export type PriceUnit = 'object' | 'vcpu-month' | 'memory-gib-month' | 'storage-gib-month' | 'cluster-month';

export const PRICE_UNITS: readonly PriceUnit[] = ['object', 'vcpu-month', 'memory-gib-month', 'storage-gib-month', 'cluster-month'];

const GIB = 1n << 30n;

/** How many base-measure quantities make one priced unit (1 vCPU = 1000 milli-CPU, 1 GiB = 2^30 bytes). */
export const UNIT_DENOMINATOR: Readonly<Record<PriceUnit, bigint>> = {
  object: 1n,
  'vcpu-month': 1000n,
  'memory-gib-month': GIB,
  'storage-gib-month': GIB,
  'cluster-month': 1n,
};

/** The kind under which a logical cluster itself is priced by `cluster-month` rules. */
export const LOGICAL_CLUSTER_KIND = 'LogicalCluster';

export type ConditionValue = string | number | boolean;

/**
 * A condition on the object's JSON. `path` is dot-separated ("spec.type"), or an array of
 * segments when a key contains dots (["metadata", "labels", "app.kubernetes.io/tier"]).
 * Fields Kubernetes defaults (a Service's `spec.type` is ClusterIP) are matched with their default.
 */
export type MatchCondition =
  | { readonly path: string | readonly string[]; readonly op: 'equals' | 'notEquals'; readonly value: ConditionValue }
  | { readonly path: string | readonly string[]; readonly op: 'in' | 'notIn'; readonly values: readonly ConditionValue[] }
  | { readonly path: string | readonly string[]; readonly op: 'exists' | 'notExists' };

export interface PriceRule {
  /** Stable identity: an org override replaces the platform rule with the same key. */
  readonly key: string;
  readonly description: string;
  readonly unit: PriceUnit;
  /** Monthly price of one unit (see `PriceUnit`), in micro-dollars; never negative. */
  readonly priceMicros: bigint;
  /** The object's API group ("" for core, "apps", …); omitted means any group. */
  readonly apiGroup?: string;
  /** The object's kind; required for `object` rules, omitted elsewhere means any object carrying that resource. */
  readonly kind?: string;
  /** All must hold. */
  readonly conditions?: readonly MatchCondition[];
}

/** Parts per million: 1,000,000 is ×1.0, 1,250,000 is ×1.25. */
export const PPM = 1_000_000n;

/**
 * Settings that decide quantities rather than prices. Each has a platform value (its
 * built-in default until the platform sets one); an org's entry can raise it for the org,
 * never lower it below the platform's, so no org setting makes anything cheaper than the
 * platform priced it.
 */
export type PricingSetting = 'floor-cpu' | 'floor-memory' | 'daemonset-nodes';

export const PRICING_SETTINGS: Readonly<
  Record<PricingSetting, { readonly description: string; readonly unit: 'cpu' | 'memory' | 'count'; readonly builtIn: bigint }>
> = {
  // The platform's default LimitRange requests (GKE Autopilot also raises requests below its minimum).
  'floor-cpu': {
    description: 'least CPU a container is priced at, in milli-CPU (also what an unrequested container is priced at)',
    unit: 'cpu',
    builtIn: 100n,
  },
  'floor-memory': { description: 'least memory a container is priced at, in bytes', unit: 'memory', builtIn: 128n << 20n },
  // A small highly available node pool; a region can set its own count.
  'daemonset-nodes': { description: 'nodes a DaemonSet is priced as running on (per region, or for every region)', unit: 'count', builtIn: 3n },
};

export const PRICING_SETTING_NAMES = Object.keys(PRICING_SETTINGS) as PricingSetting[];

export interface PriceBook {
  /** The rules in force, sorted by key. Every matching rule adds its own line. */
  readonly rules: readonly PriceRule[];
  /** Region → multiplier in parts per million; a region not listed is ×1. */
  readonly regionMultipliersPpm: ReadonlyMap<string, bigint>;
  /**
   * The least a container is priced at, per resource: an unset or smaller request (after
   * Kubernetes copies a limit into a missing request) is priced at this. Nothing the tenant
   * owns (LimitRanges, requests of 0) can price a container below it.
   */
  readonly requestFloor: { readonly cpuMillis: bigint; readonly memoryBytes: bigint };
  /** Nodes a DaemonSet runs on: per region, else the default. */
  readonly daemonSetNodes: { readonly default: bigint; readonly byRegion: ReadonlyMap<string, bigint> };
}

export type PriceBookEntry =
  | { readonly type: 'rule'; readonly orgId: string | null; readonly effectiveFrom: Date; readonly rule: PriceRule }
  | { readonly type: 'retire-rule'; readonly orgId: string | null; readonly effectiveFrom: Date; readonly ruleKey: string }
  | {
      readonly type: 'region-multiplier';
      readonly orgId: string | null;
      readonly effectiveFrom: Date;
      readonly region: string;
      readonly multiplierPpm: bigint;
    }
  | {
      readonly type: 'setting';
      readonly orgId: string | null;
      readonly effectiveFrom: Date;
      readonly setting: PricingSetting;
      /** Only `daemonset-nodes` is set per region; omitted means every region. */
      readonly region?: string;
      /** In the setting's unit: milli-CPU, bytes, or a count. */
      readonly value: bigint;
    };

export class PriceBookError extends Error {
  override readonly name = 'PriceBookError';
}

/** Problems with a rule, as sentences; empty when the rule is valid. */
export function validatePriceRule(rule: PriceRule): string[] {
  const problems: string[] = [];
  if (rule.key.trim() === '') problems.push('rule key must not be empty');
  if (!PRICE_UNITS.includes(rule.unit)) problems.push(`rule ${rule.key}: unknown unit ${JSON.stringify(rule.unit)}`);
  if (rule.priceMicros < 0n) problems.push(`rule ${rule.key}: price must not be negative`);
  if (rule.unit === 'object' && !rule.kind) problems.push(`rule ${rule.key}: a per-object rule must name a kind`);
  if (rule.unit === 'cluster-month' && rule.kind !== undefined && rule.kind !== LOGICAL_CLUSTER_KIND) {
    problems.push(`rule ${rule.key}: a cluster-month rule prices ${LOGICAL_CLUSTER_KIND} objects only`);
  }
  return problems;
}

function entryKey(entry: PriceBookEntry): string {
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

/** The subject a setting entry is keyed by: `setting:<name>` or `setting:<name>@<region>`. */
export function settingSubject(setting: PricingSetting, region?: string): string {
  return region === undefined ? `setting:${setting}` : `setting:${setting}@${region}`;
}

/** Problems with a setting entry, as sentences; empty when it is valid. */
export function validateSetting(entry: { setting: string; region?: string | undefined; value: bigint }): string[] {
  const problems: string[] = [];
  if (!(PRICING_SETTING_NAMES as string[]).includes(entry.setting)) {
    problems.push(`unknown setting ${JSON.stringify(entry.setting)} (one of ${PRICING_SETTING_NAMES.join(', ')})`);
  }
  if (entry.value < 0n) problems.push(`setting ${entry.setting}: value must not be negative`);
  if (entry.region !== undefined && entry.setting !== 'daemonset-nodes')
    problems.push(`setting ${entry.setting} applies to every region; only daemonset-nodes is set per region`);
  return problems;
}

/**
 * The book in force for `orgId` at `at`.
 *
 * For every rule key (and region), the latest entry with `effectiveFrom <= at` wins within
 * its scope, and the org's scope wins over the platform's: an org override stays in force
 * even when the platform later changes its own price, because it is the org's agreed price.
 * A `retire-rule` entry removes the rule from that scope from then on (an org retirement
 * waives a platform rule for that org). Two entries for the same key, scope and instant are
 * ambiguous and rejected, as is an invalid rule.
 */
export function priceBookAt(entries: readonly PriceBookEntry[], orgId: string | null, at: Date): PriceBook {
  const atMs = at.getTime();
  const platform = new Map<string, PriceBookEntry>();
  const org = new Map<string, PriceBookEntry>();
  for (const entry of entries) {
    const target = entry.orgId === null ? platform : entry.orgId === orgId ? org : undefined;
    if (!target || entry.effectiveFrom.getTime() > atMs) continue;
    const key = entryKey(entry);
    const current = target.get(key);
    if (current && current.effectiveFrom.getTime() === entry.effectiveFrom.getTime()) {
      throw new PriceBookError(`two price book entries for ${key} (${entry.orgId ?? 'platform'}) take effect at ${entry.effectiveFrom.toISOString()}`);
    }
    if (!current || current.effectiveFrom.getTime() < entry.effectiveFrom.getTime()) target.set(key, entry);
  }

  const rules: PriceRule[] = [];
  const regionMultipliersPpm = new Map<string, bigint>();
  for (const entry of [...platform.values(), ...org.values()]) {
    if (entry.type !== 'setting') continue;
    const problems = validateSetting(entry);
    if (problems.length > 0) throw new PriceBookError(problems.join('; '));
  }
  // A setting is the larger of the platform's (its built-in value until set) and the org's;
  // a per-region value falls back to the same scope's every-region value.
  const scoped = (scope: Map<string, PriceBookEntry>, name: PricingSetting, region?: string): bigint | undefined => {
    const entry = (region !== undefined ? scope.get(settingSubject(name, region)) : undefined) ?? scope.get(settingSubject(name));
    return entry?.type === 'setting' ? entry.value : undefined;
  };
  const effective = (name: PricingSetting, region?: string): bigint => {
    const platformValue = scoped(platform, name, region) ?? PRICING_SETTINGS[name].builtIn;
    const orgValue = scoped(org, name, region);
    return orgValue !== undefined && orgValue > platformValue ? orgValue : platformValue;
  };
  const byRegion = new Map<string, bigint>();
  for (const entry of [...platform.values(), ...org.values()]) {
    if (entry.type === 'setting' && entry.setting === 'daemonset-nodes' && entry.region !== undefined) {
      byRegion.set(entry.region, effective('daemonset-nodes', entry.region));
    }
  }
  const requestFloor = { cpuMillis: effective('floor-cpu'), memoryBytes: effective('floor-memory') };
  const daemonSetDefault = effective('daemonset-nodes');
  for (const key of new Set([...platform.keys(), ...org.keys()])) {
    const entry = org.get(key) ?? platform.get(key);
    if (entry?.type === 'rule') {
      const problems = validatePriceRule(entry.rule);
      if (problems.length > 0) throw new PriceBookError(problems.join('; '));
      rules.push(entry.rule);
    } else if (entry?.type === 'region-multiplier') {
      if (entry.multiplierPpm < 0n) throw new PriceBookError(`region ${entry.region}: multiplier must not be negative`);
      regionMultipliersPpm.set(entry.region, entry.multiplierPpm);
    }
  }
  rules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { rules, regionMultipliersPpm, requestFloor, daemonSetNodes: { default: daemonSetDefault, byRegion } };
}

/** The settings a book straight from rules starts from (the platform's built-in values unless given). */
export interface PriceBookSettings {
  readonly floorCpuMillis?: bigint;
  readonly floorMemoryBytes?: bigint;
  readonly daemonSetNodes?: bigint;
}

/** A book straight from rules, for previews and tests. */
export function priceBookOf(
  rules: readonly PriceRule[],
  regionMultipliersPpm: Readonly<Record<string, bigint>> = {},
  settings: PriceBookSettings = {},
): PriceBook {
  const epoch = new Date(0);
  const entries: PriceBookEntry[] = rules.map((rule) => ({ type: 'rule', orgId: null, effectiveFrom: epoch, rule }));
  for (const [region, multiplierPpm] of Object.entries(regionMultipliersPpm)) {
    entries.push({ type: 'region-multiplier', orgId: null, effectiveFrom: epoch, region, multiplierPpm });
  }
  const given: [PricingSetting, bigint | undefined][] = [
    ['floor-cpu', settings.floorCpuMillis],
    ['floor-memory', settings.floorMemoryBytes],
    ['daemonset-nodes', settings.daemonSetNodes],
  ];
  for (const [setting, value] of given) if (value !== undefined) entries.push({ type: 'setting', orgId: null, effectiveFrom: epoch, setting, value });
  return priceBookAt(entries, null, epoch);
}

// OpenCost's default on-demand prices (its `default.json`), converted to monthly prices once
// here with 730 hours a month. Both hourly prices have six decimals, so the monthly prices
// are exact micro-dollars. OpenCost's "GB" of RAM and storage is 2^30 bytes (it divides byte
// counts by 1024^3), so they are GiB prices here.
export const HOURS_PER_MONTH = 730n;
/** $0.031611 per vCPU-hour × 730 = $23.07603 per vCPU-month. */
export const DEFAULT_VCPU_MONTH_MICROS = 31_611n * HOURS_PER_MONTH;
/** $0.004237 per GiB-hour × 730 = $3.09301 per GiB-month. */
export const DEFAULT_MEMORY_GIB_MONTH_MICROS = 4_237n * HOURS_PER_MONTH;
/** $0.04 per GiB-month of requested storage. */
export const DEFAULT_STORAGE_GIB_MONTH_MICROS = 40_000n;

/** The platform's starting rules: the design note's Service prices plus OpenCost's resource prices. */
export const DEFAULT_PRICE_RULES: readonly PriceRule[] = [
  { key: 'cpu', description: 'CPU requests', unit: 'vcpu-month', priceMicros: DEFAULT_VCPU_MONTH_MICROS },
  { key: 'memory', description: 'Memory requests', unit: 'memory-gib-month', priceMicros: DEFAULT_MEMORY_GIB_MONTH_MICROS },
  {
    key: 'storage',
    description: 'Persistent volume claims',
    unit: 'storage-gib-month',
    priceMicros: DEFAULT_STORAGE_GIB_MONTH_MICROS,
    apiGroup: '',
    kind: 'PersistentVolumeClaim',
  },
  {
    key: 'service-load-balancer',
    description: 'Service of type LoadBalancer',
    unit: 'object',
    priceMicros: 1_000_000n,
    apiGroup: '',
    kind: 'Service',
    conditions: [{ path: 'spec.type', op: 'equals', value: 'LoadBalancer' }],
  },
  {
    key: 'service-other',
    description: 'Service (ClusterIP, NodePort, ExternalName)',
    unit: 'object',
    priceMicros: 1_000n,
    apiGroup: '',
    kind: 'Service',
    conditions: [{ path: 'spec.type', op: 'notEquals', value: 'LoadBalancer' }],
  },
  {
    // It shares the ingress controller's load balancer, so a small fee rather than $1.00.
    key: 'ingress',
    description: 'Ingress',
    unit: 'object',
    priceMicros: 10_000n,
    apiGroup: 'networking.k8s.io',
    kind: 'Ingress',
  },
];

export function defaultPlatformPriceBookEntries(effectiveFrom: Date = new Date(0)): PriceBookEntry[] {
  return DEFAULT_PRICE_RULES.map((rule) => ({ type: 'rule', orgId: null, effectiveFrom, rule }));
}

// Boundary schemas: money crosses JSON as a string of digits, never as a JS number.
const microsSchema = z
  .union([z.bigint(), z.string().regex(/^\d{1,18}$/, 'an integer number of micro-dollars'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((value) => BigInt(value))
  .refine((value) => value >= 0n, 'must not be negative');

const conditionValueSchema = z.union([z.string(), z.number(), z.boolean()]);
const pathSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const MatchConditionSchema = z.discriminatedUnion('op', [
  z.object({ path: pathSchema, op: z.enum(['equals', 'notEquals']), value: conditionValueSchema }),
  z.object({ path: pathSchema, op: z.enum(['in', 'notIn']), values: z.array(conditionValueSchema) }),
  z.object({ path: pathSchema, op: z.enum(['exists', 'notExists']) }),
]);

/** Parses a rule from JSON (e.g. the platform console), including `validatePriceRule`'s checks. */
export const PriceRuleSchema = z
  .object({
    key: z.string().min(1).max(100),
    description: z.string().max(200),
    unit: z.enum(['object', 'vcpu-month', 'memory-gib-month', 'storage-gib-month', 'cluster-month']),
    priceMicros: microsSchema,
    apiGroup: z.string().max(253).optional(),
    kind: z.string().min(1).max(63).optional(),
    conditions: z.array(MatchConditionSchema).max(16).optional(),
  })
  .superRefine((rule, ctx) => {
    for (const message of validatePriceRule(rule as PriceRule)) ctx.addIssue({ code: 'custom', message });
  });
