import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { errors } from './status.js';

/**
 * Kubernetes protobuf request bodies (what typed kubectl commands and client-go
 * send: `kubectl create deployment|service|job|…`, `run`, `expose`, `autoscale`).
 * The message definitions come from `kube-proto.json`, a protobufjs descriptor
 * generated from the generated.proto files of k8s.io/api and k8s.io/apimachinery
 * by `scripts/gen-protobuf.ts`. Bodies are decoded with protobufjs and converted
 * to the Kubernetes JSON form by walking the reflected types; responses are
 * encoded the same way back when the client asks for protobuf first (objects,
 * lists, Status, watch events).
 *
 * The envelope is `k8s\0` + runtime.Unknown{typeMeta=1{apiVersion=1,kind=2},
 * raw=2, contentEncoding=3, contentType=4}.
 */

const MAGIC = Buffer.from('k8s\0', 'latin1');
/** Same bound as the request body limit of the server. */
const MAX_PROTOBUF_BYTES = 3 * 1024 * 1024;
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const descriptor = JSON.parse(readFileSync(new URL('./kube-proto.json', import.meta.url), 'utf8')) as {
  nested: protobuf.INamespace['nested'];
  inline: string[];
  omitEmpty: string[];
};
const root = protobuf.Root.fromJSON({ nested: descriptor.nested });
root.resolveAll();
const unknownType = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
/** Message fields holding an embedded Go struct whose JSON is inlined into the parent (Probe.handler, Volume.volumeSource…). */
const INLINE = new Set(descriptor.inline.map((name) => `.${name}`));
/** Non-pointer scalar fields tagged omitempty in Go: always on the wire, their zero value means absent in JSON. */
const OMIT_EMPTY = new Set(descriptor.omitEmpty.map((name) => `.${name}`));

/** The protobuf package of an API group/version of k8s.io/api, or undefined for groups outside it. */
function packageOf(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (group !== '' && group.includes('.') && !group.endsWith('.k8s.io')) return undefined;
  if (!/^v\d+((alpha|beta)\d+)?$/.test(version)) return undefined;
  return `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

/** The message type of a kind, or undefined when the descriptor has none. */
export function kubernetesProtobufType(apiVersion: string, kind: string): protobuf.Type | undefined {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const pkg = apiVersion === 'meta.k8s.io/v1' ? META : packageOf(apiVersion);
  if (!pkg) return undefined;
  const found = root.lookup(`${pkg}.${kind}`);
  if (found instanceof protobuf.Type) return found;
  // meta.k8s.io/v1 kinds (Status, DeleteOptions, WatchEvent…) travel under every group's version.
  const meta = root.lookup(`${META}.${kind}`);
  return meta instanceof protobuf.Type && pkg !== META ? meta : undefined;
}

class DecodeError extends Error {}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new DecodeError(`timestamp out of range (${seconds}s)`);
  const base = d.toISOString().slice(0, 19);
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

function parseTime(value: unknown): { seconds: number; nanos: number } {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(String(value));
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`invalid RFC3339 time ${JSON.stringify(value)}`);
  return { seconds: Math.floor(ms / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0').slice(0, 9)) };
}

const DURATION_UNITS: [string, number][] = [
  ['h', 3_600_000_000_000],
  ['m', 60_000_000_000],
  ['s', 1_000_000_000],
  ['ms', 1_000_000],
  ['us', 1_000],
  ['µs', 1_000],
  ['ns', 1],
];

/** Go's time.Duration.String(). */
function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let v = neg ? -ns : ns;
  let out: string;
  if (v < 1_000_000_000n) {
    const [unit, scale] = v < 1_000n ? ['ns', 1n] : v < 1_000_000n ? ['µs', 1_000n] : ['ms', 1_000_000n];
    out = `${fraction(v, scale)}${unit}`;
  } else {
    const h = v / 3_600_000_000_000n;
    v -= h * 3_600_000_000_000n;
    const m = v / 60_000_000_000n;
    v -= m * 60_000_000_000n;
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${fraction(v, 1_000_000_000n)}s`;
  }
  return neg ? `-${out}` : out;
}

function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const rest = v % scale;
  if (rest === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

function parseDuration(value: unknown): number {
  const s = String(value);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let sign = 1;
  let rest = s;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  re.lastIndex = 0;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    total += Number(m[1]) * DURATION_UNITS.find(([u]) => u === m![2])![1];
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length || rest.length === 0) throw new Error(`invalid duration ${JSON.stringify(value)}`);
  return sign * Math.round(total);
}

function parseEmbeddedJson(raw: Uint8Array, what: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new DecodeError(`${what} does not hold JSON`);
  }
}

const VARINT = new Set(['int32', 'uint32', 'sint32', 'int64', 'uint64', 'sint64', 'bool']);
const FIXED64 = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32 = new Set(['fixed32', 'sfixed32', 'float']);

/**
 * Checks that every known field arrives with the wire type its definition
 * implies (the decoder of protobufjs trusts field numbers), so a body of another
 * kind or garbage is a 400 rather than a silently wrong object.
 */
function checkWireTypes(type: protobuf.Type, reader: protobuf.Reader, end: number, depth: number): void {
  if (depth > protobuf.util.recursionLimit) throw new DecodeError('nested too deeply');
  while (reader.pos < end) {
    const tag = reader.uint32();
    const wire = tag & 7;
    const field = type.fieldsById[tag >>> 3];
    if (!field) {
      reader.skipType(wire);
      continue;
    }
    const message = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    let expected = 2;
    if (!field.map && !message && field.type !== 'string' && field.type !== 'bytes') {
      expected = VARINT.has(field.type) || field.resolvedType instanceof protobuf.Enum ? 0 : FIXED64.has(field.type) ? 1 : FIXED32.has(field.type) ? 5 : 2;
      if (field.repeated && wire === 2) expected = 2; // packed
    }
    if (wire !== expected) throw new DecodeError(`field ${field.name} (${tag >>> 3}) of ${type.name} has wire type ${wire}, expected ${expected}`);
    if (message && !field.map) {
      const length = reader.uint32();
      const stop = reader.pos + length;
      if (stop > end) throw new DecodeError(`field ${field.name} of ${type.name} runs past the end of the message`);
      checkWireTypes(message, reader, stop, depth + 1);
    } else reader.skipType(wire);
  }
  if (reader.pos !== end) throw new DecodeError(`message ${type.name} is truncated`);
}

// ---- protobuf message → Kubernetes JSON ----

function messageToJson(type: protobuf.Type, msg: protobuf.Message): unknown {
  const m = msg as unknown as Record<string, unknown>;
  switch (type.fullName) {
    case `.${META}.Time`:
    case `.${META}.MicroTime`: {
      const seconds = toNumber(m.seconds ?? 0);
      const nanos = toNumber(m.nanos ?? 0);
      if (seconds === 0 && nanos === 0) return undefined; // Go's zero time marshals to null
      return formatTime(seconds, nanos, type.name === 'MicroTime');
    }
    case `.${META}.Duration`:
      return formatDuration(BigInt(String(m.duration ?? 0)));
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return typeof m.string === 'string' ? m.string : undefined;
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return toNumber(m.type ?? 0) === 1 ? String(m.strVal ?? '') : toNumber(m.intVal ?? 0);
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return parseEmbeddedJson((m.raw as Uint8Array | undefined) ?? new Uint8Array(), 'a RawExtension');
    case `.${META}.FieldsV1`:
      return parseEmbeddedJson((m.Raw as Uint8Array | undefined) ?? new Uint8Array(), 'a FieldsV1');
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = m[field.name];
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length === 0) continue;
      out[field.name] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(field, v, true)]));
    } else if (field.repeated) {
      const items = (value ?? []) as unknown[];
      if (items.length === 0) continue;
      out[field.name] = items.map((v) => valueToJson(field, v, true) ?? null);
    } else {
      if (!Object.hasOwn(m, field.name)) continue;
      const v = valueToJson(field, value, false);
      if (v === undefined) continue;
      if (INLINE.has(field.fullName) && v !== null && typeof v === 'object') Object.assign(out, v);
      else out[field.name] = v;
    }
  }
  return out;
}

function valueToJson(field: protobuf.Field, value: unknown, element: boolean): unknown {
  if (field.resolvedType instanceof protobuf.Type) return messageToJson(field.resolvedType, value as protobuf.Message);
  if (field.resolvedType instanceof protobuf.Enum) return value;
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  const scalar = INT64.has(field.type) ? toNumber(value) : value;
  // Unset non-pointer fields go on the wire as "", 0 or false; Go's omitempty drops them from JSON.
  if (!element && (scalar === '' || ((scalar === 0 || scalar === false) && OMIT_EMPTY.has(field.fullName)))) return undefined;
  return scalar;
}

// ---- Kubernetes JSON → protobuf message (the inverse, for tests and later for responses) ----

function jsonToMessage(type: protobuf.Type, json: unknown, path: string): Record<string, unknown> {
  switch (type.fullName) {
    case `.${META}.Time`:
    case `.${META}.MicroTime`:
      return parseTime(json);
    case `.${META}.Duration`:
      return { duration: parseDuration(json) };
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { string: String(json) };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return typeof json === 'string' ? { type: 1, strVal: json } : { type: 0, intVal: json };
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { raw: Buffer.from(JSON.stringify(json)) };
    case `.${META}.FieldsV1`:
      return { Raw: Buffer.from(JSON.stringify(json)) };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${path}: expected an object for ${type.name}`);
  const out: Record<string, unknown> = {};
  const inlined = new Map<protobuf.Field, Record<string, unknown>>();
  for (const [key, value] of Object.entries(json)) {
    if (value === undefined || value === null) continue;
    const field = type.fields[key];
    // Protobuf messages carry no TypeMeta: list items and embedded objects leave apiVersion/kind behind.
    if (!field && (key === 'apiVersion' || key === 'kind')) continue;
    if (!field) {
      const host = type.fieldsArray.find((f) => INLINE.has(f.fullName) && f.resolvedType instanceof protobuf.Type && key in f.resolvedType.fields);
      if (!host) throw new Error(`${path}.${key}: no such field in ${type.fullName.slice(1)}`);
      if (!inlined.has(host)) inlined.set(host, {});
      inlined.get(host)![key] = value;
      continue;
    }
    if (field.map) {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, valueToMessage(field, v, `${path}.${key}.${k}`)]));
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new Error(`${path}.${key}: expected an array`);
      out[key] = value.map((v, i) => valueToMessage(field, v, `${path}.${key}[${i}]`));
    } else out[key] = valueToMessage(field, value, `${path}.${key}`);
  }
  for (const [host, value] of inlined) out[host.name] = jsonToMessage(host.resolvedType as protobuf.Type, value, path);
  return out;
}

function valueToMessage(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) return jsonToMessage(field.resolvedType, value, path);
  if (field.type === 'bytes') return Buffer.from(String(value), 'base64');
  return value;
}

/** Encodes a Kubernetes JSON object (with apiVersion and kind) into the `k8s\0` protobuf envelope. */
export function encodeKubernetesProtobuf(object: Record<string, unknown>): Buffer {
  const apiVersion = String(object.apiVersion ?? '');
  const kind = String(object.kind ?? '');
  const type = kubernetesProtobufType(apiVersion, kind);
  if (!type) throw new Error(`no protobuf definition for ${apiVersion}/${kind}`);
  const { apiVersion: _a, kind: _k, ...rest } = object;
  const raw = type.encode(type.fromObject(jsonToMessage(type, rest, kind))).finish();
  const envelope = unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([MAGIC, envelope]);
}

/** Decodes a `k8s\0` protobuf request body into its Kubernetes JSON object; 4xx `ApiError`s on bad input. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length > MAX_PROTOBUF_BYTES) throw errors.tooLarge();
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw errors.badRequest('protobuf body does not start with the Kubernetes envelope magic "k8s\\x00"');
  }
  let envelope: Record<string, unknown>;
  try {
    envelope = unknownType.decode(body.subarray(MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw errors.badRequest(`malformed protobuf envelope (runtime.Unknown): ${(e as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (!apiVersion || !kind) throw errors.badRequest('protobuf envelope without apiVersion and kind');
  if (envelope.contentEncoding)
    throw errors.unsupportedMediaType(`application/vnd.kubernetes.protobuf with content encoding ${String(envelope.contentEncoding)}`);
  if (envelope.contentType && envelope.contentType !== 'application/vnd.kubernetes.protobuf') {
    throw errors.unsupportedMediaType(`application/vnd.kubernetes.protobuf wrapping ${String(envelope.contentType)}`);
  }
  const type = kubernetesProtobufType(apiVersion, kind);
  if (!type) throw errors.unsupportedMediaType(`application/vnd.kubernetes.protobuf (no protobuf definition for ${apiVersion}/${kind}; send JSON)`);
  try {
    const raw = (envelope.raw as Uint8Array | undefined) ?? new Uint8Array();
    checkWireTypes(type, protobuf.Reader.create(raw), raw.length, 0);
    const message = type.decode(raw);
    const json = messageToJson(type, message) as Record<string, unknown>;
    return { apiVersion, kind, ...json };
  } catch (e) {
    if (e instanceof DecodeError || e instanceof Error) {
      throw errors.badRequest(
        `malformed protobuf body for ${apiVersion}/${kind}: ${e instanceof RangeError && /call stack/.test(e.message) ? 'nested too deeply' : e.message}`,
      );
    }
    throw e;
  }
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The client prefers protobuf: its first acceptable media type is Kubernetes protobuf (not a Table). */
export function wantsProtobuf(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0]!.trim();
  const [type, ...params] = first.split(';').map((p) => p.trim());
  return type === PROTOBUF && !params.some((p) => p.startsWith('as='));
}

/** A response body in protobuf, or undefined when its kind has no protobuf form (CRDs, kcp kinds: they go as JSON). */
export function encodeResponseProtobuf(body: unknown): Buffer | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const object = body as Record<string, unknown>;
  if (!kubernetesProtobufType(String(object.apiVersion ?? ''), String(object.kind ?? ''))) return undefined;
  try {
    return encodeKubernetesProtobuf(object);
  } catch {
    return undefined;
  }
}

const watchEventType = root.lookupType(`${META}.WatchEvent`);

/**
 * One frame of a protobuf watch stream (`;stream=watch`): a 4-byte big-endian
 * length, then a metav1.WatchEvent without envelope whose `object.raw` is the
 * object in its envelope (client-go's length-delimited framer and raw serializer).
 */
export function encodeWatchFrame(type: string, object: Record<string, unknown>): Buffer {
  const raw = encodeKubernetesProtobuf(object);
  const event = watchEventType.encode(watchEventType.fromObject({ type, object: { raw } })).finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length);
  return Buffer.concat([length, event]);
}

/** Reads the frames of a protobuf watch stream back into events (for tests and clients in this repo). */
export function decodeWatchFrames(stream: Buffer): { type: string; object: Record<string, unknown> }[] {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let at = 0;
  while (at + 4 <= stream.length) {
    const length = stream.readUInt32BE(at);
    if (at + 4 + length > stream.length) break;
    const event = watchEventType.decode(stream.subarray(at + 4, at + 4 + length)) as unknown as { type: string; object?: { raw?: Uint8Array } };
    events.push({ type: event.type, object: decodeKubernetesProtobuf(Buffer.from(event.object?.raw ?? new Uint8Array())) });
    at += 4 + length;
  }
  return events;
}
