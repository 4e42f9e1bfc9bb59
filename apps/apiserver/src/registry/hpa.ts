import { parseQuantity } from '@atrium/core';
import type { KubeObject } from './types.js';

/**
 * HorizontalPodAutoscaler (autoscaling/v2) beyond its schema: kube-apiserver's
 * defaults (pkg/apis/autoscaling/v2/defaults.go), its semantic validation
 * (pkg/apis/autoscaling/validation) and the TARGETS cell of `kubectl get hpa`
 * (pkg/printers/internalversion). Field paths and messages are Kubernetes' own,
 * so a 422 reads the same as against a real cluster.
 */

type Issue = { field: string; message: string };
type Rec = Record<string, unknown>;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

const DEFAULT_CPU_UTILIZATION = 80;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;

const scaleUpDefaults = (): Rec => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});
// No stabilizationWindowSeconds: the controller's --horizontal-pod-autoscaler-downscale-stabilization flag applies then.
const scaleDownDefaults = (): Rec => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

/** Missing rules get all defaults; given rules only their missing fields (an explicit `policies: []` stays, and fails validation). */
function withDefaults(rules: unknown, defaults: Rec): unknown {
  if (rules === undefined || rules === null) return defaults;
  if (!isRec(rules)) return rules;
  for (const [k, v] of Object.entries(defaults)) if (rules[k] === undefined || rules[k] === null) rules[k] = v;
  return rules;
}

/** v2 defaults, applied on every write as kube-apiserver applies them on every decode. Mutates; tolerates ill-typed input (the schema rejects it next). */
export function defaultHorizontalPodAutoscaler(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isRec(spec)) return;
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  if (spec.metrics === undefined || spec.metrics === null || (Array.isArray(spec.metrics) && spec.metrics.length === 0)) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isRec(spec.behavior)) {
    spec.behavior.scaleUp = withDefaults(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = withDefaults(spec.behavior.scaleDown, scaleDownDefaults());
  }
}

// Go's field.Error rendering: strings quoted, numbers and quantities bare.
const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const required = (field: string, detail = ''): Issue => ({ field, message: detail ? `Required value: ${detail}` : 'Required value' });
const invalid = (field: string, value: unknown, detail: string): Issue => ({ field, message: `Invalid value: ${shown(value)}: ${detail}` });
const invalidQuantity = (field: string, value: unknown, detail: string): Issue => ({ field, message: `Invalid value: ${String(value)}: ${detail}` });
const forbidden = (field: string, detail: string): Issue => ({ field, message: `Forbidden: ${detail}` });
const notSupported = (field: string, value: unknown, supported: string[]): Issue => ({
  field,
  message: `Unsupported value: ${shown(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

/** apimachinery's IsValidPathSegmentName: what may appear as one segment of a URL path. */
function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

function validateName(value: unknown, field: string, detail = ''): Issue[] {
  if (isEmpty(value)) return [required(field, detail)];
  return typeof value === 'string' ? pathSegmentProblems(value).map((m) => invalid(field, value, m)) : [];
}

function validateCrossVersionObjectReference(ref: unknown, path: string): Issue[] {
  const r = rec(ref);
  return [...validateName(r.kind, `${path}.kind`), ...validateName(r.name, `${path}.name`)];
}

function positive(q: unknown): boolean {
  try {
    return parseQuantity(String(q)).numerator > 0n;
  } catch {
    return true; // malformed quantities are the schema's to report
  }
}

function validateMetricTarget(target: unknown, path: string): Issue[] {
  const t = rec(target);
  const out: Issue[] = [];
  if (isEmpty(t.type)) out.push(required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(t.type as string)) {
    out.push(invalid(`${path}.type`, t.type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  if (t.value != null && !positive(t.value)) out.push(invalidQuantity(`${path}.value`, t.value, 'must be positive'));
  if (t.averageValue != null && !positive(t.averageValue)) out.push(invalidQuantity(`${path}.averageValue`, t.averageValue, 'must be positive'));
  if (isInt(t.averageUtilization) && t.averageUtilization < 1) out.push(invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  return out;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function validateResourceName(name: unknown, field: string): Issue[] {
  if (isEmpty(name)) return [required(field, 'must specify a resource name')];
  if (typeof name !== 'string' || name.includes('/')) return [];
  return STANDARD_CONTAINER_RESOURCES.includes(name) || name.startsWith('hugepages-')
    ? []
    : [invalid(field, name, 'must be a standard resource for containers')];
}

/** Resource and ContainerResource targets: a per-pod value or a utilization, exactly one. */
function validateResourceTarget(target: unknown, path: string): Issue[] {
  const t = rec(target);
  const out = validateMetricTarget(target, path);
  if (t.averageUtilization == null && t.averageValue == null) {
    out.push(required(`${path}.averageUtilization`, 'must set either a target raw value or a target utilization'));
  }
  if (t.averageUtilization != null && t.averageValue != null) {
    out.push(forbidden(`${path}.averageValue`, 'may not set both a target raw value and a target utilization'));
  }
  return out;
}

function validateSource(kind: string, source: unknown, path: string): Issue[] {
  const s = rec(source);
  const target = rec(s.target);
  const metric = () => validateName(rec(s.metric).name, `${path}.metric.name`, 'must specify a metric name');
  switch (kind) {
    case 'object': {
      const out = [
        ...validateCrossVersionObjectReference(s.describedObject, `${path}.describedObject`),
        ...metric(),
        ...validateMetricTarget(s.target, `${path}.target`),
      ];
      if (target.value == null && target.averageValue == null)
        out.push(required(`${path}.target.averageValue`, 'must set either a target value or averageValue'));
      return out;
    }
    case 'pods': {
      const out = [...metric(), ...validateMetricTarget(s.target, `${path}.target`)];
      if (target.averageValue == null) out.push(required(`${path}.target.averageValue`, 'must specify a positive target averageValue'));
      return out;
    }
    case 'resource':
      return [...validateResourceName(s.name, `${path}.name`), ...validateResourceTarget(s.target, `${path}.target`)];
    case 'containerResource': {
      const out = validateResourceName(s.name, `${path}.name`);
      if (isEmpty(s.container)) out.push(required(`${path}.container`, 'must specify a container'));
      else if (typeof s.container === 'string' && s.container.length > 63)
        out.push(invalid(`${path}.container`, s.container, 'must be no more than 63 characters'));
      else if (typeof s.container === 'string' && !DNS1123_LABEL.test(s.container)) out.push(invalid(`${path}.container`, s.container, DNS1123_LABEL_MESSAGE));
      return [...out, ...validateResourceTarget(s.target, `${path}.target`)];
    }
    default: {
      const out = [...metric(), ...validateMetricTarget(s.target, `${path}.target`)];
      if (target.value == null && target.averageValue == null) {
        out.push(required(`${path}.target.averageValue`, 'must set either a target value for metric or a per-pod target'));
      }
      if (target.value != null && target.averageValue != null) {
        out.push(forbidden(`${path}.target.value`, 'may not set both a target value for metric and a per-pod target'));
      }
      return out;
    }
  }
}

// Kubernetes' order of the source fields: the first one present is the one validated.
const SOURCE_FIELDS: Record<string, string> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};
const METRIC_TYPES = Object.keys(SOURCE_FIELDS).sort();

function validateMetric(metric: unknown, path: string): Issue[] {
  const m = rec(metric);
  const out: Issue[] = [];
  if (isEmpty(m.type)) out.push(required(`${path}.type`, 'must specify a metric source type'));
  const expected = SOURCE_FIELDS[m.type as string];
  if (!expected) out.push(notSupported(`${path}.type`, m.type ?? '', METRIC_TYPES));
  const present = Object.values(SOURCE_FIELDS).filter((f) => m[f] != null);
  if (present[0]) out.push(...validateSource(present[0], m[present[0]], `${path}.${present[0]}`));
  if (expected && m[expected] == null) out.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (present.length > 1 || (present.length === 1 && present[0] !== expected)) {
    for (const f of present) if (f !== expected) out.push(forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  }
  return out;
}

function validateScalingRules(rules: unknown, path: string): Issue[] {
  if (!isRec(rules)) return [];
  const out: Issue[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (isInt(window) && window < 0) out.push(invalid(`${path}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  if (isInt(window) && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    out.push(invalid(`${path}.stabilizationWindowSeconds`, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy != null && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy as string)) {
    out.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const policies = Array.isArray(rules.policies) ? rules.policies : [];
  if (policies.length === 0) out.push(required(`${path}.policies`, 'must specify at least one Percent or Pods policy'));
  for (const [i, policy] of policies.entries()) {
    const p = rec(policy);
    const at = `${path}.policies[${i}]`;
    if (p.type !== 'Pods' && p.type !== 'Percent') out.push(notSupported(`${at}.type`, p.type ?? '', ['Percent', 'Pods']));
    if (!isInt(p.value) || p.value <= 0) out.push(invalid(`${at}.value`, p.value ?? 0, 'must be greater than zero'));
    if (!isInt(p.periodSeconds) || p.periodSeconds <= 0) out.push(invalid(`${at}.periodSeconds`, p.periodSeconds ?? 0, 'must be greater than zero'));
    else if (p.periodSeconds > MAX_PERIOD_SECONDS) {
      out.push(invalid(`${at}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
    }
  }
  return out;
}

/**
 * The semantic rules the schema cannot express. Runs on schema-valid objects
 * (the schema already reported missing and ill-typed fields). As in
 * Kubernetes, metrics are only checked once the scale target is valid, and
 * behavior once the metrics are.
 */
export function validateHorizontalPodAutoscaler(obj: KubeObject): Issue[] {
  const spec = rec(obj.spec);
  const out: Issue[] = [];
  const { minReplicas: min, maxReplicas: max } = spec;
  if (isInt(min) && min < 1) out.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (isInt(max) && max < 1) out.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (isInt(min) && isInt(max) && max < min) out.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  const refIssues = validateCrossVersionObjectReference(spec.scaleTargetRef, 'spec.scaleTargetRef');
  const metricIssues = refIssues.length ? [] : (Array.isArray(spec.metrics) ? spec.metrics : []).flatMap((m, i) => validateMetric(m, `spec.metrics[${i}]`));
  const behavior = rec(spec.behavior);
  const behaviorIssues =
    refIssues.length || metricIssues.length
      ? []
      : [...validateScalingRules(behavior.scaleUp, 'spec.behavior.scaleUp'), ...validateScalingRules(behavior.scaleDown, 'spec.behavior.scaleDown')];
  out.push(...refIssues, ...metricIssues, ...behaviorIssues);
  const status = rec(obj.status);
  for (const field of ['currentReplicas', 'desiredReplicas']) {
    const v = status[field];
    if (isInt(v) && v < 0) out.push(invalid(`status.${field}`, v, 'must be greater than or equal to 0'));
  }
  return out;
}

/** The TARGETS cell: `<current>/<target>` per metric (resources prefixed by their name), at most two then `+ N more...`. */
export function hpaTargets(obj: KubeObject): string {
  const specs = rec(obj.spec).metrics;
  const statuses = rec(obj.status).currentMetrics;
  if (!Array.isArray(specs) || specs.length === 0) return '<none>';
  const list = specs.map((spec, i) => metricTarget(rec(spec), Array.isArray(statuses) ? rec(statuses[i]) : {}));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

// A missing quantity prints as Go's nil *Quantity does.
const quantity = (v: unknown) => (v === undefined || v === null ? '<nil>' : String(v));

function metricTarget(spec: Rec, status: Rec): string {
  const field = SOURCE_FIELDS[spec.type as string];
  if (!field) return '<unknown type>';
  const source = rec(spec[field]);
  const target = rec(source.target);
  const observed = isRec(status[field]) ? rec(rec(status[field]).current) : undefined;
  switch (spec.type) {
    case 'Object':
    case 'External':
      if (target.averageValue != null)
        return `${observed?.averageValue != null ? quantity(observed.averageValue) : '<unknown>'}/${quantity(target.averageValue)} (avg)`;
      return `${observed ? quantity(observed.value) : '<unknown>'}/${quantity(target.value)}`;
    case 'Pods':
      return `${observed ? quantity(observed.averageValue) : '<unknown>'}/${quantity(target.averageValue)}`;
    default: {
      const name = String(source.name ?? '');
      if (target.averageValue != null) return `${name}: ${observed ? quantity(observed.averageValue) : '<unknown>'}/${quantity(target.averageValue)}`;
      const current = observed?.averageUtilization != null ? `${String(observed.averageUtilization)}%` : '<unknown>';
      const wanted = target.averageUtilization != null ? `${String(target.averageUtilization)}%` : '<auto>';
      return `${name}: ${current}/${wanted}`;
    }
  }
}
