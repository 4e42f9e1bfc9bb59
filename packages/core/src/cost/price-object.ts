import { parseBytes, parseCpuMillis, QuantityError } from '../quantity/quantity.js';
import { divideRoundHalfUp } from './money.js';
import { LOGICAL_CLUSTER_KIND, type MatchCondition, PPM, type PriceBook, type PriceRule, type PriceUnit, UNIT_DENOMINATOR } from './price-book.js';
import { type FieldPath, isScalableKind, type KindPricing, kindPricing } from './pricing-table.js';

/**
 * The monthly price of one Kubernetes object (plain JSON, as admission sees it and as it is
 * stored). What each kind costs is `KIND_PRICING` (pricing-table.ts); this file applies it.
 *
 * Containers: Kubernetes' own defaulting comes first (a limit without a request is the
 * request), then the book's request floor: a container is priced at no less than the floor
 * per resource, so neither a missing request, a request of 0, nor a LimitRange of the
 * tenant's can price it lower. A LimitRange's defaults are written into the stored object
 * by admission and so may raise a price, never lower it below the floor.
 *
 * Rounding: each line's exact value (quantity × price × region multiplier / unit) is kept as
 * a fraction; the object's total is rounded once, half up, to the micro-dollar, and the
 * lines are rounded so that they add up to that total (largest remainder first).
 */

export interface PricingContext {
  /** The logical cluster's region, for the book's region multiplier and node count. */
  readonly region?: string;
  /**
   * For a HorizontalPodAutoscaler: its scale target as stored in the same namespace
   * (`null` or absent: there is none, and it reserves nothing).
   */
  readonly scaleTarget?: unknown | null;
}

export interface PriceLine {
  readonly ruleKey: string;
  readonly description: string;
  readonly unit: PriceUnit;
  /** In the unit's base measure: milli-CPU, bytes, or a count of objects/clusters. */
  readonly quantity: bigint;
  readonly priceMicros: bigint;
}

export class PricingError extends Error {
  override readonly name = 'PricingError';
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function apiGroupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** Fields Kubernetes fills in when absent, so conditions see what the API server would store. */
const DEFAULTED_FIELDS: Record<string, Record<string, string>> = {
  '/Service': { 'spec.type': 'ClusterIP' },
};

function readPath(object: Json, path: string | readonly string[], kindKey: string): unknown {
  const segments = typeof path === 'string' ? path.split('.') : path;
  let current: unknown = object;
  for (const segment of segments) {
    if (!isRecord(current)) {
      current = undefined;
      break;
    }
    current = current[segment];
  }
  if (current === undefined || current === null) {
    const key = typeof path === 'string' ? path : path.join('.');
    return DEFAULTED_FIELDS[kindKey]?.[key];
  }
  return current;
}

function conditionHolds(object: Json, condition: MatchCondition, kindKey: string): boolean {
  const value = readPath(object, condition.path, kindKey);
  switch (condition.op) {
    case 'exists':
      return value !== undefined;
    case 'notExists':
      return value === undefined;
    case 'equals':
      return value === condition.value;
    case 'notEquals':
      return value !== condition.value;
    case 'in':
      return condition.values.some((candidate) => candidate === value);
    case 'notIn':
      return !condition.values.some((candidate) => candidate === value);
  }
}

function ruleSelects(rule: PriceRule, object: Json, group: string, kind: string): boolean {
  if (rule.apiGroup !== undefined && rule.apiGroup !== group) return false;
  if (rule.kind !== undefined && rule.kind !== kind) return false;
  const kindKey = `${group}/${kind}`;
  return (rule.conditions ?? []).every((condition) => conditionHolds(object, condition, kindKey));
}

function nonNegativeCount(value: unknown, field: string, fallback: bigint): bigint {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PricingError(`${field} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

function quantityField(value: unknown, field: string, parse: (text: string) => bigint): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new PricingError(`${field} must be a quantity, got ${JSON.stringify(value)}`);
  try {
    return parse(String(value));
  } catch (error) {
    if (error instanceof QuantityError) throw new PricingError(`${field}: ${error.message}`);
    throw error;
  }
}

export interface Requests {
  cpuMillis: bigint;
  memoryBytes: bigint;
}

type Floor = PriceBook['requestFloor'];
const NO_FLOOR: Floor = { cpuMillis: 0n, memoryBytes: 0n };

function atLeast(value: bigint, floor: bigint): bigint {
  return value < floor ? floor : value;
}

/** What one container is priced at: request, else limit (Kubernetes' defaulting), raised to the floor. */
function containerRequests(container: unknown, field: string, floor: Floor): Requests {
  const resources = record(record(container).resources);
  const requests = record(resources.requests);
  const limits = record(resources.limits);
  const cpuMillis =
    quantityField(requests.cpu, `${field}.resources.requests.cpu`, parseCpuMillis) ??
    quantityField(limits.cpu, `${field}.resources.limits.cpu`, parseCpuMillis) ??
    0n;
  const memoryBytes =
    quantityField(requests.memory, `${field}.resources.requests.memory`, parseBytes) ??
    quantityField(limits.memory, `${field}.resources.limits.memory`, parseBytes) ??
    0n;
  return { cpuMillis: atLeast(cpuMillis, floor.cpuMillis), memoryBytes: atLeast(memoryBytes, floor.memoryBytes) };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * The pod's effective requests, following Kubernetes' `PodRequests` (sidecar-aware): the
 * larger of the app containers plus restartable ("sidecar") init containers and each
 * regular init container plus the sidecars started before it; then pod-level
 * `spec.resources.requests` when larger; plus `spec.overhead`. Every container is first
 * raised to `floor` (none by default).
 */
export function podRequests(podSpec: unknown, floor: Floor = NO_FLOOR, field = 'spec'): Requests {
  const spec = record(podSpec);
  const total: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  list(spec.containers).forEach((container, index) => {
    const requests = containerRequests(container, `${field}.containers[${index}]`, floor);
    total.cpuMillis += requests.cpuMillis;
    total.memoryBytes += requests.memoryBytes;
  });
  const sidecars: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  const initPeak: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  list(spec.initContainers).forEach((container, index) => {
    const requests = containerRequests(container, `${field}.initContainers[${index}]`, floor);
    let running: Requests;
    if (record(container).restartPolicy === 'Always') {
      // A sidecar keeps running beside the app containers and every later init container.
      total.cpuMillis += requests.cpuMillis;
      total.memoryBytes += requests.memoryBytes;
      sidecars.cpuMillis += requests.cpuMillis;
      sidecars.memoryBytes += requests.memoryBytes;
      running = { ...sidecars };
    } else {
      running = { cpuMillis: requests.cpuMillis + sidecars.cpuMillis, memoryBytes: requests.memoryBytes + sidecars.memoryBytes };
    }
    initPeak.cpuMillis = max(initPeak.cpuMillis, running.cpuMillis);
    initPeak.memoryBytes = max(initPeak.memoryBytes, running.memoryBytes);
  });
  // Pod-level resources (Kubernetes 1.32+) are the pod's request when set; the containers'
  // floors still hold, so the larger of the two is priced.
  const podLevel = record(record(spec.resources).requests);
  const podCpu = quantityField(podLevel.cpu, `${field}.resources.requests.cpu`, parseCpuMillis) ?? 0n;
  const podMemory = quantityField(podLevel.memory, `${field}.resources.requests.memory`, parseBytes) ?? 0n;
  const overhead = record(spec.overhead);
  return {
    cpuMillis: max(max(total.cpuMillis, initPeak.cpuMillis), podCpu) + (quantityField(overhead.cpu, `${field}.overhead.cpu`, parseCpuMillis) ?? 0n),
    memoryBytes: max(max(total.memoryBytes, initPeak.memoryBytes), podMemory) + (quantityField(overhead.memory, `${field}.overhead.memory`, parseBytes) ?? 0n),
  };
}

function at(object: Json, path: FieldPath): unknown {
  let current: unknown = object;
  for (const segment of path) {
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return current;
}

const dotted = (path: FieldPath) => path.join('.');

/** A claim the object holds: standalone (a PVC) or one per pod (claim templates, ephemeral volumes). */
interface Claim {
  claim: Json;
  perPod: boolean;
  storageBytes: bigint;
}

/** What an object keeps running: the quantities every rule is applied to. */
interface Measure {
  podCount: bigint;
  /** Requests of one pod (undefined when the object runs no pods). */
  perPod: Requests | undefined;
  claims: Claim[];
}

const NOTHING: Measure = { podCount: 0n, perPod: undefined, claims: [] };

function storageOf(claim: Json, field: string): bigint {
  const resources = record(record(claim.spec).resources);
  return (
    quantityField(record(resources.requests).storage, `${field}spec.resources.requests.storage`, parseBytes) ??
    quantityField(record(resources.limits).storage, `${field}spec.resources.limits.storage`, parseBytes) ??
    0n
  );
}

/** Generic ephemeral volumes: each pod gets a claim from the template, as a StatefulSet's would. */
function ephemeralClaims(podSpec: Json, field: string): Claim[] {
  const claims: Claim[] = [];
  list(podSpec.volumes).forEach((volume, index) => {
    const template = record(record(record(volume).ephemeral).volumeClaimTemplate);
    if (Object.keys(template).length === 0) return;
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...template };
    claims.push({ claim, perPod: true, storageBytes: storageOf(claim, `${field}.volumes[${index}].ephemeral.volumeClaimTemplate.`) });
  });
  return claims;
}

function podCountOf(object: Json, row: Extract<KindPricing, { model: 'pods' }>, book: PriceBook, context: PricingContext): bigint {
  if (row.suspend && at(object, row.suspend) === true) return 0n;
  const pods = row.pods;
  switch (pods.from) {
    case 'one':
      return 1n;
    case 'replicas':
      return nonNegativeCount(at(object, pods.path), dotted(pods.path), pods.default);
    case 'nodes':
      return (context.region !== undefined ? book.daemonSetNodes.byRegion.get(context.region) : undefined) ?? book.daemonSetNodes.default;
    case 'job': {
      const parallelism = nonNegativeCount(at(object, pods.parallelism), dotted(pods.parallelism), 1n);
      const completionsValue = at(object, pods.completions);
      if (completionsValue === undefined || completionsValue === null) return parallelism;
      const completions = nonNegativeCount(completionsValue, dotted(pods.completions), 1n);
      // biome-ignore lint/complexity/useMathMinMax: Math.min does not take BigInt.
      return completions < parallelism ? completions : parallelism;
    }
  }
}

/** The quantities an object of a `pods` row keeps running, at `podCount` pods. */
function measurePods(object: Json, row: Extract<KindPricing, { model: 'pods' }>, book: PriceBook, podCount: bigint): Measure {
  const field = dotted(row.podSpec);
  const podSpec = record(at(object, row.podSpec));
  const claims = ephemeralClaims(podSpec, field);
  if (row.claimTemplates) {
    list(at(object, row.claimTemplates)).forEach((template, index) => {
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...record(template) };
      claims.push({ claim, perPod: true, storageBytes: storageOf(claim, `${dotted(row.claimTemplates!)}[${index}].`) });
    });
  }
  // Requests are read (and checked) even at 0 pods: a malformed template is refused whatever the replica count.
  const perPod = podRequests(podSpec, book.requestFloor, field);
  return { podCount, perPod, claims };
}

function measure(object: Json, row: KindPricing | undefined, book: PriceBook, context: PricingContext): Measure {
  if (!row) return NOTHING;
  switch (row.model) {
    case 'pods':
      return measurePods(object, row, book, podCountOf(object, row, book, context));
    case 'claim': {
      const requests = record(record(record(object.spec).resources).requests);
      if (requests.storage === undefined || requests.storage === null) {
        throw new PricingError('spec.resources.requests.storage: Required value (a PersistentVolumeClaim must request storage)');
      }
      return { podCount: 0n, perPod: undefined, claims: [{ claim: object, perPod: false, storageBytes: storageOf(object, '') }] };
    }
    case 'autoscaler':
    case 'object':
      return NOTHING;
  }
}

/** A rule's quantity for one object, in the unit's base measure, at `pods` pods. */
function ruleQuantity(rule: PriceRule, object: Json, group: string, kind: string, m: Measure, pods: bigint): bigint {
  switch (rule.unit) {
    case 'object':
      return ruleSelects(rule, object, group, kind) ? 1n : 0n;
    case 'cluster-month':
      return kind === LOGICAL_CLUSTER_KIND && ruleSelects(rule, object, group, kind) ? 1n : 0n;
    case 'vcpu-month':
      return m.perPod && pods > 0n && ruleSelects(rule, object, group, kind) ? m.perPod.cpuMillis * pods : 0n;
    case 'memory-gib-month':
      return m.perPod && pods > 0n && ruleSelects(rule, object, group, kind) ? m.perPod.memoryBytes * pods : 0n;
    case 'storage-gib-month': {
      let quantity = 0n;
      for (const claim of m.claims) {
        if (ruleSelects(rule, claim.claim, apiGroupOf(claim.claim.apiVersion), String(claim.claim.kind)))
          quantity += claim.storageBytes * (claim.perPod ? pods : 1n);
      }
      return quantity;
    }
  }
}

/**
 * What an autoscaler reserves, per rule: its target's quantities at max(replicas,
 * maxReplicas) minus at its replicas now. Its own per-object rules apply to itself.
 */
function autoscalerQuantities(hpa: Json, book: PriceBook, context: PricingContext, notes: string[]): bigint[] {
  const spec = record(hpa.spec);
  const maxReplicas = nonNegativeCount(spec.maxReplicas, 'spec.maxReplicas', 0n);
  const ref = record(spec.scaleTargetRef);
  const targetName = `${String(ref.kind ?? '?')}/${String(ref.name ?? '?')}`;
  const none = book.rules.map(() => 0n);
  const target = context.scaleTarget;
  if (!isRecord(target)) {
    notes.push(`scale target ${targetName} does not exist: reserves nothing until it does`);
    return none;
  }
  const group = apiGroupOf(target.apiVersion);
  const kind = String(target.kind);
  const row = kindPricing(group, kind);
  if (row?.model !== 'pods' || !isScalableKind(group, kind)) {
    notes.push(`scale target ${targetName} is not priced by replicas: reserves nothing`);
    return none;
  }
  const current = podCountOf(target, row, book, context);
  const ceiling = max(current, maxReplicas);
  const m = measurePods(target, row, book, current);
  notes.push(`reserves ${targetName} from ${current} to ${ceiling} replicas`);
  return book.rules.map((rule) =>
    rule.unit === 'object' || rule.unit === 'cluster-month'
      ? 0n
      : ruleQuantity(rule, target, group, kind, m, ceiling) - ruleQuantity(rule, target, group, kind, m, current),
  );
}

// Every unit's denominator divides this, so all lines share one exact denominator.
const EXACT_DENOMINATOR = 1000n * (1n << 30n) * PPM;

function describeLine(rule: PriceRule): string {
  return rule.description || rule.key;
}

export interface ObjectPrice {
  readonly priceMicros: bigint;
  readonly lines: readonly PriceLine[];
  /** Why the price is what it is, where that is not plain from the lines ("no price rule for example.com/Widget: free"). */
  readonly notes: readonly string[];
}

/**
 * Prices one object with the book; `null` (an absent object) costs 0. Throws `PricingError`
 * when a field that sets a price is malformed (a bad quantity, a negative replica count).
 */
export function priceObject(object: unknown, book: PriceBook, context: PricingContext = {}): ObjectPrice {
  if (object === null || object === undefined) return { priceMicros: 0n, lines: [], notes: [] };
  if (!isRecord(object) || typeof object.kind !== 'string' || object.kind === '') throw new PricingError('object must be a JSON object with a kind');
  const group = apiGroupOf(object.apiVersion);
  const kind = object.kind;
  const row = kindPricing(group, kind);
  const notes: string[] = [];
  const m = measure(object, row, book, context);
  const reserved = row?.model === 'autoscaler' ? autoscalerQuantities(object, book, context, notes) : undefined;
  const multiplierPpm = (context.region !== undefined ? book.regionMultipliersPpm.get(context.region) : undefined) ?? PPM;

  const exactLines: { rule: PriceRule; quantity: bigint; exact: bigint }[] = [];
  book.rules.forEach((rule, index) => {
    const quantity = ruleQuantity(rule, object, group, kind, m, m.podCount) + (reserved?.[index] ?? 0n);
    if (quantity === 0n) return;
    const exact = quantity * rule.priceMicros * multiplierPpm * (EXACT_DENOMINATOR / (UNIT_DENOMINATOR[rule.unit] * PPM));
    exactLines.push({ rule, quantity, exact });
  });
  if (row?.model === 'pods' && m.podCount === 0n) notes.push(`${kind} runs no pods as specified`);
  if (!row && exactLines.length === 0 && kind !== LOGICAL_CLUSTER_KIND) notes.push(`no price rule for ${group ? `${group}/` : ''}${kind}: free`);

  const exactTotal = exactLines.reduce((sum, line) => sum + line.exact, 0n);
  const priceMicros = divideRoundHalfUp(exactTotal, EXACT_DENOMINATOR);
  // Largest remainder: floor every line, then hand the micro-dollars the total's single
  // rounding left over to the lines that lost most (ties: book order), so lines sum to the total.
  const floored = exactLines.map((line) => line.exact / EXACT_DENOMINATOR);
  let leftOver = priceMicros - floored.reduce((sum, micros) => sum + micros, 0n);
  const byRemainder = exactLines
    .map((line, index) => ({ index, remainder: line.exact % EXACT_DENOMINATOR }))
    .sort((a, b) => (a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : a.index - b.index));
  for (const { index } of byRemainder) {
    if (leftOver <= 0n) break;
    floored[index] = (floored[index] ?? 0n) + 1n;
    leftOver -= 1n;
  }
  const lines = exactLines.map((line, index) => ({
    ruleKey: line.rule.key,
    description: describeLine(line.rule),
    unit: line.rule.unit,
    quantity: line.quantity,
    priceMicros: floored[index] ?? 0n,
  }));
  return { priceMicros, lines, notes };
}

/**
 * What an object's price depends on besides itself, for objects whose price another depends
 * on: an autoscaler's price follows its target's pods and replicas. Two versions of a
 * target with equal signatures leave every autoscaler's price unchanged. `undefined` for
 * objects no autoscaler can target.
 */
export function scaleSignature(object: unknown, book: PriceBook, context: PricingContext = {}): string | undefined {
  if (!isRecord(object) || typeof object.kind !== 'string') return undefined;
  const group = apiGroupOf(object.apiVersion);
  const row = kindPricing(group, object.kind);
  if (row?.model !== 'pods' || !isScalableKind(group, object.kind)) return undefined;
  const current = podCountOf(object, row, book, context);
  const m = measurePods(object, row, book, current);
  // Per rule, the quantities of one pod and the pod count determine every reservation.
  const perRule = book.rules.map((rule) =>
    rule.unit === 'object' || rule.unit === 'cluster-month' ? 0n : ruleQuantity(rule, object, group, String(object.kind), m, 1n),
  );
  return `${current}|${perRule.join(',')}`;
}

/** Whether `object` is what `ref` (from `scaleTargetOf`) names: same group, kind and name (namespaces are the caller's to compare). */
export function isScaleTarget(ref: { group: string; kind: string; name: string }, object: unknown): boolean {
  if (!isRecord(object)) return false;
  return apiGroupOf(object.apiVersion) === ref.group && object.kind === ref.kind && record(object.metadata).name === ref.name;
}

/** A HorizontalPodAutoscaler's target, as `{ group, kind, name }` in the autoscaler's namespace; undefined for other objects. */
export function scaleTargetOf(object: unknown): { group: string; kind: string; name: string } | undefined {
  if (!isRecord(object) || kindPricing(apiGroupOf(object.apiVersion), String(object.kind))?.model !== 'autoscaler') return undefined;
  const ref = record(record(object.spec).scaleTargetRef);
  if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return { group: apiGroupOf(ref.apiVersion), kind: ref.kind, name: ref.name };
}

export interface PriceDelta {
  readonly oldPriceMicros: bigint;
  readonly newPriceMicros: bigint;
  /** new − old: positive when the change costs more. */
  readonly deltaMicros: bigint;
}

/**
 * The cost of a change: create (old null), update, or delete (new null). Both sides are
 * priced with the same book and context, so a price-book change alone never shows up as a
 * change's delta.
 */
export function priceDelta(oldObject: unknown | null, newObject: unknown | null, book: PriceBook, context: PricingContext = {}): PriceDelta {
  const oldPriceMicros = priceObject(oldObject, book, context).priceMicros;
  const newPriceMicros = priceObject(newObject, book, context).priceMicros;
  return { oldPriceMicros, newPriceMicros, deltaMicros: newPriceMicros - oldPriceMicros };
}

/** "Service default/web (LoadBalancer)", "Deployment shop/api", "Namespace shop": how messages name an object. */
export function describeObject(object: unknown): string {
  const value = record(object);
  const metadata = record(value.metadata);
  const kind = typeof value.kind === 'string' ? value.kind : 'Object';
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : '(unnamed)';
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? `${metadata.namespace}/` : '';
  const serviceType = kind === 'Service' && apiGroupOf(value.apiVersion) === '' ? ` (${String(readPath(value, 'spec.type', '/Service'))})` : '';
  return `${kind} ${namespace}${name}${serviceType}`;
}
