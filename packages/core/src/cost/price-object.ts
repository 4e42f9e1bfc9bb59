import { parseBytes, parseCpuMillis, QuantityError } from '../quantity/quantity.js';
import { divideRoundHalfUp } from './money.js';
import { LOGICAL_CLUSTER_KIND, type MatchCondition, PPM, type PriceBook, type PriceRule, type PriceUnit, UNIT_DENOMINATOR } from './price-book.js';

/**
 * The monthly price of one Kubernetes object (plain JSON, as admission sees it).
 *
 * What is priced:
 * - Pods: the effective pod request, as the scheduler computes it: the larger of the sum of
 *   app containers (plus restartable "sidecar" init containers) and the largest regular init
 *   container (plus the sidecars started before it), plus `spec.overhead`. A Pod that has
 *   Succeeded or Failed holds no resources and costs nothing.
 * - Deployments, ReplicaSets, StatefulSets, ReplicationControllers: the pod template ×
 *   `spec.replicas` (default 1); a StatefulSet also pays its `volumeClaimTemplates` × replicas.
 * - DaemonSets: the pod template × the node count in the context (default 1).
 * - Jobs: the pod template × min(parallelism, completions still needed) while the Job runs;
 *   a suspended, Complete or Failed Job costs nothing.
 * - CronJobs: nothing by themselves; each Job they spawn is priced when it is admitted.
 * - PersistentVolumeClaims: `spec.resources.requests.storage`.
 * - Everything (Services by type, Ingresses, …): the matching per-object rules, or 0.
 *
 * Objects controlled by an owner whose price already covers them (a Deployment's
 * ReplicaSets, any controller's Pods, a StatefulSet's claims) cost 0, so a workload is never
 * counted twice. Jobs owned by a CronJob are priced, since the CronJob itself is not.
 *
 * A container without a request is priced at its limit (Kubernetes copies a limit into a
 * missing request), else at the context's defaults (LimitRange / template defaults), else 0.
 *
 * Rounding: each line's exact value (quantity × price × region multiplier / unit) is kept as
 * a fraction; the object's total is rounded once, half up, to the micro-dollar, and the
 * lines are rounded so that they add up to that total (largest remainder first).
 */

export interface PricingContext {
  /** The logical cluster's region, for the book's region multiplier. */
  readonly region?: string;
  /** Nodes a DaemonSet runs on (default 1). */
  readonly daemonSetNodeCount?: number;
  /** Requests for containers that set neither request nor limit (LimitRange / template defaults). */
  readonly defaultRequests?: { readonly cpuMillis?: bigint; readonly memoryBytes?: bigint };
}

export interface PriceLine {
  readonly ruleKey: string;
  readonly description: string;
  readonly unit: PriceUnit;
  /** In the unit's base measure: milli-CPU, bytes, or a count of objects/clusters. */
  readonly quantity: bigint;
  readonly priceMicros: bigint;
}

export interface ObjectPrice {
  readonly priceMicros: bigint;
  readonly lines: readonly PriceLine[];
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

interface Requests {
  cpuMillis: bigint;
  memoryBytes: bigint;
}

function containerRequests(container: unknown, field: string, context: PricingContext): Requests {
  const resources = record(record(container).resources);
  const requests = record(resources.requests);
  const limits = record(resources.limits);
  const cpuMillis =
    quantityField(requests.cpu, `${field}.resources.requests.cpu`, parseCpuMillis) ??
    quantityField(limits.cpu, `${field}.resources.limits.cpu`, parseCpuMillis) ??
    context.defaultRequests?.cpuMillis ??
    0n;
  const memoryBytes =
    quantityField(requests.memory, `${field}.resources.requests.memory`, parseBytes) ??
    quantityField(limits.memory, `${field}.resources.limits.memory`, parseBytes) ??
    context.defaultRequests?.memoryBytes ??
    0n;
  return { cpuMillis, memoryBytes };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The pod's effective requests, following Kubernetes' `PodRequests` (sidecar-aware). */
export function podRequests(podSpec: unknown, context: PricingContext = {}, field = 'spec'): Requests {
  const spec = record(podSpec);
  const total: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  list(spec.containers).forEach((container, index) => {
    const requests = containerRequests(container, `${field}.containers[${index}]`, context);
    total.cpuMillis += requests.cpuMillis;
    total.memoryBytes += requests.memoryBytes;
  });
  const sidecars: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  const initPeak: Requests = { cpuMillis: 0n, memoryBytes: 0n };
  list(spec.initContainers).forEach((container, index) => {
    const requests = containerRequests(container, `${field}.initContainers[${index}]`, context);
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
  const overhead = record(spec.overhead);
  return {
    cpuMillis: max(total.cpuMillis, initPeak.cpuMillis) + (quantityField(overhead.cpu, `${field}.overhead.cpu`, parseCpuMillis) ?? 0n),
    memoryBytes: max(total.memoryBytes, initPeak.memoryBytes) + (quantityField(overhead.memory, `${field}.overhead.memory`, parseBytes) ?? 0n),
  };
}

/** Owner kinds whose price already includes the objects they control. */
const COVERED_BY: Record<string, readonly string[]> = {
  '/Pod': ['apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', '/ReplicationController'],
  'apps/ReplicaSet': ['apps/Deployment'],
  '/PersistentVolumeClaim': ['apps/StatefulSet'],
};

function coveredByController(metadata: Json, kindKey: string): boolean {
  const coveringOwners = COVERED_BY[kindKey];
  if (!coveringOwners) return false;
  return list(metadata.ownerReferences).some((reference) => {
    const owner = record(reference);
    return owner.controller === true && coveringOwners.includes(`${apiGroupOf(owner.apiVersion)}/${String(owner.kind)}`);
  });
}

function jobHasFinished(job: Json): boolean {
  return list(record(job.status).conditions).some((condition) => {
    const { type, status } = record(condition);
    return (type === 'Complete' || type === 'Failed') && status === 'True';
  });
}

interface Workload {
  podCount: bigint;
  podSpec: unknown;
}

function workloadOf(object: Json, kindKey: string, context: PricingContext): Workload | undefined {
  const spec = record(object.spec);
  const template = () => record(spec.template).spec;
  switch (kindKey) {
    case '/Pod': {
      const phase = record(object.status).phase;
      return { podCount: phase === 'Succeeded' || phase === 'Failed' ? 0n : 1n, podSpec: spec };
    }
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case '/ReplicationController':
      return { podCount: nonNegativeCount(spec.replicas, 'spec.replicas', 1n), podSpec: template() };
    case 'apps/DaemonSet':
      return { podCount: nonNegativeCount(context.daemonSetNodeCount, 'context.daemonSetNodeCount', 1n), podSpec: template() };
    case 'batch/Job': {
      if (spec.suspend === true || jobHasFinished(object)) return { podCount: 0n, podSpec: template() };
      const parallelism = nonNegativeCount(spec.parallelism, 'spec.parallelism', 1n);
      if (spec.completions === undefined || spec.completions === null) return { podCount: parallelism, podSpec: template() };
      const remaining = nonNegativeCount(spec.completions, 'spec.completions', 1n) - nonNegativeCount(record(object.status).succeeded, 'status.succeeded', 0n);
      // Math.min does not take BigInt.
      if (remaining <= 0n) return { podCount: 0n, podSpec: template() };
      if (remaining < parallelism) return { podCount: remaining, podSpec: template() };
      return { podCount: parallelism, podSpec: template() };
    }
    default:
      return undefined;
  }
}

interface Claim {
  claim: Json;
  count: bigint;
  storageBytes: bigint;
}

function claimsOf(object: Json, kindKey: string, podCount: bigint): Claim[] {
  const storageOf = (claim: Json, field: string) =>
    quantityField(record(record(record(claim.spec).resources).requests).storage, `${field}spec.resources.requests.storage`, parseBytes) ?? 0n;
  if (kindKey === '/PersistentVolumeClaim') return [{ claim: object, count: 1n, storageBytes: storageOf(object, '') }];
  if (kindKey === 'apps/StatefulSet') {
    // Claims are kept when replicas scale down only if the retention policy says so; pricing
    // the claims of current replicas is the conservative reading of "what the spec asks for".
    return list(record(object.spec).volumeClaimTemplates).map((template, index) => {
      const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...record(template) };
      return { claim, count: podCount, storageBytes: storageOf(claim, `spec.volumeClaimTemplates[${index}].`) };
    });
  }
  return [];
}

// Every unit's denominator divides this, so all lines share one exact denominator.
const EXACT_DENOMINATOR = 1000n * (1n << 30n) * PPM;

function describeLine(rule: PriceRule): string {
  return rule.description || rule.key;
}

/**
 * Prices one object with the book; `null` (an absent object) costs 0. Throws `PricingError`
 * when a field that sets a price is malformed (a bad quantity, a negative replica count).
 */
export function priceObject(object: unknown, book: PriceBook, context: PricingContext = {}): ObjectPrice {
  if (object === null || object === undefined) return { priceMicros: 0n, lines: [] };
  if (!isRecord(object) || typeof object.kind !== 'string' || object.kind === '') throw new PricingError('object must be a JSON object with a kind');
  const group = apiGroupOf(object.apiVersion);
  const kind = object.kind;
  const kindKey = `${group}/${kind}`;
  if (coveredByController(record(object.metadata), kindKey)) return { priceMicros: 0n, lines: [] };

  const workload = workloadOf(object, kindKey, context);
  const perPod = workload && workload.podCount > 0n ? podRequests(workload.podSpec, context, kindKey === '/Pod' ? 'spec' : 'spec.template.spec') : undefined;
  const claims = claimsOf(object, kindKey, workload?.podCount ?? 0n);
  const multiplierPpm = (context.region !== undefined ? book.regionMultipliersPpm.get(context.region) : undefined) ?? PPM;

  const exactLines: { rule: PriceRule; quantity: bigint; exact: bigint }[] = [];
  for (const rule of book.rules) {
    let quantity = 0n;
    switch (rule.unit) {
      case 'object':
        quantity = ruleSelects(rule, object, group, kind) ? 1n : 0n;
        break;
      case 'cluster-month':
        quantity = kind === LOGICAL_CLUSTER_KIND && ruleSelects(rule, object, group, kind) ? 1n : 0n;
        break;
      case 'vcpu-month':
        quantity = perPod && ruleSelects(rule, object, group, kind) ? perPod.cpuMillis * workload!.podCount : 0n;
        break;
      case 'memory-gib-month':
        quantity = perPod && ruleSelects(rule, object, group, kind) ? perPod.memoryBytes * workload!.podCount : 0n;
        break;
      case 'storage-gib-month':
        for (const claim of claims) {
          if (ruleSelects(rule, claim.claim, apiGroupOf(claim.claim.apiVersion), String(claim.claim.kind))) quantity += claim.storageBytes * claim.count;
        }
        break;
    }
    if (quantity === 0n) continue;
    const exact = quantity * rule.priceMicros * multiplierPpm * (EXACT_DENOMINATOR / (UNIT_DENOMINATOR[rule.unit] * PPM));
    exactLines.push({ rule, quantity, exact });
  }

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
  return { priceMicros, lines };
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
