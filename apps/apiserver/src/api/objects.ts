import { createHash, randomInt, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { StatusCause } from '../http/status.js';
import type { KubeObject, ObjectMeta, ResourceType } from '../registry/types.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Which name rule Kubernetes applies to each kind. */
export function validateName(t: ResourceType, name: string): string | undefined {
  if (t.group === 'rbac.authorization.k8s.io') {
    if (name === '.' || name === '..' || /[/%]/.test(name)) return 'may not contain "/" or "%" and may not be "." or ".."';
    return undefined;
  }
  if (t.group === '' && t.plural === 'namespaces') {
    return name.length <= 63 && DNS1123_LABEL.test(name)
      ? undefined
      : `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')`;
  }
  if (t.group === '' && t.plural === 'services') {
    return name.length <= 63 && DNS1035_LABEL.test(name)
      ? undefined
      : `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')`;
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
    ? undefined
    : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')`;
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name must have at most one "/"';
  const [prefix, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [undefined, parts[0]!];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    return 'prefix part must be a DNS-1123 subdomain';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')";
  }
  return undefined;
}

/** metadata checks shared by every kind (names, labels, annotations, shapes). */
export function validateMeta(t: ResourceType, meta: ObjectMeta): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = meta.name ?? '';
  if (!name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else {
    const problem = validateName(t, name);
    if (problem) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${problem}` });
  }
  if (meta.labels !== undefined) {
    if (meta.labels === null || typeof meta.labels !== 'object' || Array.isArray(meta.labels)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: 'Invalid value: must be a map of strings' });
    } else {
      for (const [k, v] of Object.entries(meta.labels)) {
        const kp = qualifiedNameProblem(k);
        if (kp) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${k}": ${kp}` });
        if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'metadata.labels',
            message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
          });
        }
      }
    }
  }
  if (meta.annotations !== undefined) {
    if (meta.annotations === null || typeof meta.annotations !== 'object' || Array.isArray(meta.annotations)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: 'Invalid value: must be a map of strings' });
    } else {
      let size = 0;
      for (const [k, v] of Object.entries(meta.annotations)) {
        const kp = qualifiedNameProblem(k.toLowerCase());
        if (kp) causes.push({ reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: "${k}": ${kp}` });
        if (typeof v !== 'string') causes.push({ reason: 'FieldValueInvalid', field: `metadata.annotations.${k}`, message: 'Invalid value: must be a string' });
        size += k.length + (typeof v === 'string' ? v.length : 0);
      }
      if (size > 256 * 1024) causes.push({ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' });
    }
  }
  if (meta.finalizers !== undefined && (!Array.isArray(meta.finalizers) || meta.finalizers.some((f) => typeof f !== 'string'))) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.finalizers', message: 'Invalid value: must be a list of strings' });
  }
  return causes;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return s;
}

/** Everything but metadata and status: what `generation` tracks. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Deep comparison (key order differs between clients' serializers). */
export function specChanged(a: KubeObject, b: KubeObject): boolean {
  return !isDeepStrictEqual(specOf(a), specOf(b));
}

/** A deterministic fake ClusterIP from 10.96.0.0/12, so Services print like Kubernetes'. */
function clusterIpFor(uid: string): string {
  const h = createHash('sha256').update(uid).digest();
  return `10.${96 + (h[0]! & 0x0f)}.${h[1]}.${(h[2]! % 253) + 1}`;
}

/** Kubernetes' create-time defaults and status resets for the built-in kinds (the subset clients notice). */
export function applyCreateDefaults(t: ResourceType, obj: KubeObject): void {
  const meta = obj.metadata as ObjectMeta;
  if (t.status && t.group !== 'apiextensions.k8s.io') delete obj.status;
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  if (t.group === '') {
    switch (t.plural) {
      case 'namespaces':
        meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
        obj.spec = { finalizers: ['kubernetes'], ...spec };
        obj.status = { phase: 'Active' };
        break;
      case 'pods':
        obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
        spec.restartPolicy ??= 'Always';
        spec.dnsPolicy ??= 'ClusterFirst';
        spec.terminationGracePeriodSeconds ??= 30;
        break;
      case 'services': {
        spec.type ??= 'ClusterIP';
        if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
          spec.clusterIP = clusterIpFor(meta.uid ?? randomUUID());
          spec.clusterIPs = [spec.clusterIP];
        }
        spec.sessionAffinity ??= 'None';
        if (Array.isArray(spec.ports)) {
          for (const p of spec.ports as Record<string, unknown>[]) {
            p.protocol ??= 'TCP';
            p.targetPort ??= p.port;
          }
        }
        obj.status = { loadBalancer: {} };
        break;
      }
      case 'persistentvolumeclaims':
        obj.status = { phase: 'Pending' };
        break;
      case 'secrets':
        obj.type ??= 'Opaque';
        break;
    }
  } else if (t.group === 'apps' && (t.plural === 'deployments' || t.plural === 'replicasets' || t.plural === 'statefulsets')) {
    spec.replicas ??= 1;
    if (t.plural === 'deployments') {
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    }
  } else if (t.group === 'batch' && t.plural === 'jobs') {
    spec.completions ??= 1;
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
  }
  if (obj.spec !== undefined || Object.keys(spec).length > 0) obj.spec ??= spec;
}

export function isObjectRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
