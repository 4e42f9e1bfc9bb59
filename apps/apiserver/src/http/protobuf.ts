import { errors } from './status.js';

/**
 * Decoding of Kubernetes protobuf request bodies for the few kinds kubectl
 * sends through typed clients (`kubectl auth can-i`, `kubectl create
 * namespace|configmap|secret|serviceaccount|role|rolebinding|…`). Everything else arrives as
 * JSON. Responses are always JSON (clients accept it). The envelope is
 * `k8s\0` + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2}, raw=2}.
 */
type FieldKind = 'string' | 'bytes' | 'int' | 'bool' | 'map' | 'mapBytes' | 'time' | Schema;
type Field = [name: string, kind: FieldKind, repeated?: true];
interface Schema {
  [field: number]: Field;
}

const time: FieldKind = 'time';
const ownerReference: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};
const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', time],
  9: ['deletionTimestamp', time],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  13: ['ownerReferences', ownerReference, true],
  14: ['finalizers', 'string', true],
};
const localObjectReference: Schema = { 1: ['name', 'string'] };
const objectReference: Schema = { 1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'] };

const subject: Schema = { 1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string'] };
const roleRef: Schema = { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] };
const policyRule: Schema = {
  1: ['verbs', 'string', true],
  2: ['apiGroups', 'string', true],
  3: ['resources', 'string', true],
  4: ['resourceNames', 'string', true],
  5: ['nonResourceURLs', 'string', true],
};
const binding: Schema = { 1: ['metadata', objectMeta], 2: ['subjects', subject, true], 3: ['roleRef', roleRef] };
const role: Schema = { 1: ['metadata', objectMeta], 2: ['rules', policyRule, true] };

const SCHEMAS: Record<string, Schema> = {
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/ClusterRole': role,
  'v1/ConfigMap': { 1: ['metadata', objectMeta], 2: ['data', 'map'], 3: ['binaryData', 'mapBytes'], 4: ['immutable', 'bool'] },
  'v1/Secret': { 1: ['metadata', objectMeta], 2: ['data', 'mapBytes'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  'v1/Namespace': { 1: ['metadata', objectMeta], 2: ['spec', { 1: ['finalizers', 'string', true] }] },
  'v1/ServiceAccount': {
    1: ['metadata', objectMeta],
    2: ['secrets', objectReference, true],
    3: ['imagePullSecrets', localObjectReference, true],
    4: ['automountServiceAccountToken', 'bool'],
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: ['metadata', objectMeta],
    2: [
      'spec',
      {
        1: [
          'resourceAttributes',
          {
            1: ['namespace', 'string'],
            2: ['verb', 'string'],
            3: ['group', 'string'],
            4: ['version', 'string'],
            5: ['resource', 'string'],
            6: ['subresource', 'string'],
            7: ['name', 'string'],
          },
        ],
        2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }],
      },
    ],
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new Error('varint too long');
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function decodeMessage(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const fieldNo = tag >>> 3;
    const wire = tag & 7;
    const field = schema[fieldNo];
    if (!field) {
      r.skip(wire);
      continue;
    }
    const [name, kind, repeated] = field;
    let value: unknown;
    if (kind === 'int') {
      const n = Number(r.varint());
      value = n === 0 ? undefined : n;
    } else if (kind === 'bool') value = r.varint() !== 0n;
    else {
      const bytes = r.bytes();
      if (kind === 'string') value = bytes.toString('utf8');
      else if (kind === 'bytes') value = bytes.toString('base64');
      else if (kind === 'map' || kind === 'mapBytes') {
        const entry = decodeMessage(bytes, { 1: ['key', 'string'], 2: ['value', kind === 'map' ? 'string' : 'bytes'] });
        out[name] ??= {};
        (out[name] as Record<string, unknown>)[String(entry.key ?? '')] = entry.value ?? '';
        continue;
      } else if (kind === 'time') {
        const t = decodeMessage(bytes, { 1: ['seconds', 'int'] });
        value = t.seconds ? new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
      } else value = decodeMessage(bytes, kind);
    }
    if (value === undefined || value === '') continue;
    if (repeated) {
      out[name] ??= [];
      (out[name] as unknown[]).push(value);
    } else out[name] = value;
  }
  return out;
}

export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw errors.badRequest('protobuf body without the k8s envelope');
  let envelope: Record<string, unknown>;
  try {
    envelope = decodeMessage(body.subarray(4), { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'bytes'] });
  } catch (e) {
    throw errors.badRequest(`malformed protobuf body: ${(e as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = SCHEMAS[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!schema) throw errors.unsupportedMediaType(`application/vnd.kubernetes.protobuf (${typeMeta.apiVersion}/${typeMeta.kind}; send JSON)`);
  try {
    const raw = Buffer.from(String(envelope.raw ?? ''), 'base64');
    return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(raw, schema) };
  } catch (e) {
    throw errors.badRequest(`malformed protobuf body: ${(e as Error).message}`);
  }
}
