/**
 * Regenerates src/schema/kube-types.json, the type schema of the built-in
 * Kubernetes kinds this server serves (see src/schema/kube-types.ts), from the
 * generated.proto files of k8s.io/api and k8s.io/apimachinery (read from git
 * mirrors, see kube-proto-sources.ts): their Go doc comments become descriptions
 * and their tags (`+listType`, `+listMapKey`, `+patchStrategy`, `+patchMergeKey`,
 * `+mapType`, `+structType`, `+default`, `+required`) the structured-merge
 * schema. The types.go next to each proto names the embedded structs whose JSON
 * is inlined (Probe.handler, Volume.volumeSource) and the named slice types
 * (`type ExtraValue []string`).
 *
 *   npx tsx apps/apiserver/scripts/gen-kube-types.ts [kubernetes-api-git-dir] [apimachinery-git-dir] [out.json]
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { FieldSpec, KubeTypes, StructDef, TypeDef, TypeSpec } from '../src/schema/kube-types.js';
import { DEFAULT_API_DIR, DEFAULT_MACHINERY_DIR, readProtoSources, SERVED } from './kube-proto-sources.js';

const here = dirname(fileURLToPath(import.meta.url));
const apiDir = process.argv[2] ?? DEFAULT_API_DIR;
const machineryDir = process.argv[3] ?? DEFAULT_MACHINERY_DIR;
const out = process.argv[4] ?? join(here, '../src/schema/kube-types.json');

const { root, inline, goCollections, provenance } = readProtoSources(apiDir, machineryDir);
const INLINE = new Set(inline);

/** k8s.io/api group directories → API group names. */
const GROUPS: Record<string, string> = {
  core: '',
  apps: 'apps',
  batch: 'batch',
  autoscaling: 'autoscaling',
  policy: 'policy',
  networking: 'networking.k8s.io',
  rbac: 'rbac.authorization.k8s.io',
  scheduling: 'scheduling.k8s.io',
  coordination: 'coordination.k8s.io',
  discovery: 'discovery.k8s.io',
  authorization: 'authorization.k8s.io',
};

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
/** apimachinery messages with a custom JSON form. */
const SPECIAL: Record<string, TypeSpec> = {
  [`${META}.Time`]: { scalar: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { scalar: 'string', format: 'date-time' },
  [`${META}.Duration`]: { scalar: 'string', format: 'duration' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { scalar: 'string', format: 'quantity' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { scalar: 'string', format: 'int-or-string' },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': { untyped: true },
  [`${META}.FieldsV1`]: { untyped: true },
};

const SCALARS: Record<string, TypeSpec> = {
  string: { scalar: 'string' },
  bytes: { scalar: 'string', format: 'byte' },
  bool: { scalar: 'boolean' },
  double: { scalar: 'number', format: 'double' },
  float: { scalar: 'number', format: 'double' },
};
for (const t of ['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']) SCALARS[t] = { scalar: 'integer', format: 'int32' };
for (const t of ['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']) SCALARS[t] = { scalar: 'integer', format: 'int64' };

/** Tags the schema maps; every other `+tag` is only dropped from descriptions (and counted, see the end). */
const MAPPED_TAGS = new Set([
  'listType',
  'listMapKey',
  'patchStrategy',
  'patchMergeKey',
  'mapType',
  'structType',
  'default',
  'required',
  'k8s:required',
  'optional',
]);
const unmappedTags = new Map<string, number>();
const warnings: string[] = [];
const warn = (message: string) => warnings.push(message);

/** `.k8s.io.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`. */
function typeName(fullName: string): string {
  const name = fullName.replace(/^\./, '');
  if (!name.startsWith('k8s.io.')) throw new Error(`unexpected package of ${name}`);
  return `io.k8s.${name.slice('k8s.io.'.length)}`;
}

interface Doc {
  description?: string;
  /** `+name=value` (value '' for `+name`), every occurrence in order. */
  tags: Map<string, string[]>;
}

/**
 * A Go doc comment (as protobufjs keeps it: one line per comment line, leading
 * whitespace gone) → description and tags. As Kubernetes' OpenAPI generator does,
 * the description stops at a `---` line, drops `+tag` and `TODO` lines, joins the
 * lines of a paragraph with a space and separates paragraphs by a blank line. Tags
 * count wherever they are (ObjectReference's `+structType=atomic` follows its `---`).
 */
function parseDoc(comment: string | null | undefined): Doc {
  const tags = new Map<string, string[]>();
  const paragraphs: string[][] = [[]];
  let ended = false;
  for (const raw of (comment ?? '').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('+')) {
      const match = /^\+([\w.:/()-]+)(?:=(.*))?$/.exec(line);
      if (match) {
        const name = match[1]!;
        tags.set(name, [...(tags.get(name) ?? []), (match[2] ?? '').trim()]);
      }
      continue;
    }
    if (line === '---') ended = true;
    if (ended || line.startsWith('TODO')) continue;
    if (line === '') paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  const description = paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.join(' '))
    .join('\n\n')
    .trim();
  return description ? { description, tags } : { tags };
}

const docs = new WeakMap<protobuf.ReflectionObject, Doc>();
/** The parsed doc comment of a message or field (once each, so tags are counted once). */
function docOf(object: protobuf.ReflectionObject): Doc {
  let doc = docs.get(object);
  if (!doc) {
    doc = parseDoc(object.comment);
    for (const [name, values] of doc.tags) if (!MAPPED_TAGS.has(name)) unmappedTags.set(name, (unmappedTags.get(name) ?? 0) + values.length);
    docs.set(object, doc);
  }
  return doc;
}

const tag = (doc: Doc, name: string): string | undefined => doc.tags.get(name)?.[0];

/** The spec of one value of a field (its element for repeated and map fields). */
function valueSpec(field: protobuf.Field): TypeSpec {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return { ref: typeName(resolved.fullName) };
  if (resolved) throw new Error(`${field.fullName}: enums are not expected in Kubernetes protos`);
  const scalar = SCALARS[field.type];
  if (!scalar) throw new Error(`${field.fullName}: unknown proto type ${field.type}`);
  return { ...scalar };
}

/** A list's structured-merge type: `+listType`, else as Kubernetes derives it from the patch strategy. */
function listSpec(elem: TypeSpec, doc: Doc, where: string): TypeSpec {
  const listType = tag(doc, 'listType');
  const keys = doc.tags.get('listMapKey') ?? [];
  const mergeKey = tag(doc, 'patchMergeKey');
  const merge = (tag(doc, 'patchStrategy') ?? '').split(',').includes('merge');
  const k8sListType = tag(doc, 'k8s:listType');
  if (k8sListType && k8sListType !== listType) warn(`${where}: +k8s:listType=${k8sListType} but +listType=${listType}`);
  if (listType === 'map') {
    if (keys.length > 0) return { list: elem, listType: 'map', keys };
    if (mergeKey) {
      warn(`${where}: +listType=map without +listMapKey, keyed by +patchMergeKey=${mergeKey}`);
      return { list: elem, listType: 'map', keys: [mergeKey] };
    }
    throw new Error(`${where}: +listType=map without keys`);
  }
  if (keys.length > 0) warn(`${where}: +listMapKey without +listType=map`);
  if (listType === 'atomic' || listType === 'set') return { list: elem, listType };
  if (listType !== undefined) warn(`${where}: unknown +listType=${listType}, taken as atomic`);
  else if (merge && mergeKey) return { list: elem, listType: 'map', keys: [mergeKey] };
  else if (merge) return { list: elem, listType: 'set' };
  return { list: elem, listType: 'atomic' };
}

const refDefaults: string[] = [];

function fieldSpec(field: protobuf.Field): FieldSpec {
  const doc = docOf(field);
  const where = typeName(field.fullName);
  let spec: TypeSpec;
  if (field instanceof protobuf.MapField) {
    const keyType = field.keyType;
    if (keyType !== 'string') warn(`${where}: map key type ${keyType}`);
    const mapType = tag(doc, 'mapType');
    if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') warn(`${where}: unknown +mapType=${mapType}`);
    spec = { map: valueSpec(field), mapType: mapType === 'atomic' ? 'atomic' : 'granular' };
  } else if (field.repeated) {
    spec = listSpec(valueSpec(field), doc, where);
  } else {
    spec = valueSpec(field);
    for (const t of ['listType', 'listMapKey', 'patchMergeKey']) if (doc.tags.has(t)) warn(`${where}: +${t} on a non-list field`);
  }
  if (!field.map && doc.tags.has('mapType')) warn(`${where}: +mapType on a non-map field`);
  const result: FieldSpec = { ...spec };
  if (doc.description) result.description = doc.description;
  // Served in OpenAPI as x-kubernetes-patch-strategy/-merge-key: kubectl computes strategic merge patches from them.
  const patchStrategy = tag(doc, 'patchStrategy');
  if (patchStrategy !== undefined) result.patchStrategy = patchStrategy;
  const patchMergeKey = tag(doc, 'patchMergeKey');
  if (patchMergeKey !== undefined) result.patchMergeKey = patchMergeKey;
  const def = tag(doc, 'default');
  if (def !== undefined) {
    if (def.startsWith('ref(')) refDefaults.push(`${where} +default=${def}`);
    else {
      try {
        result.default = JSON.parse(def);
      } catch {
        warn(`${where}: +default=${def} is not JSON`);
      }
    }
  }
  return result;
}

/** A message's fields, with those of inlined embedded structs merged in (recursively). */
function structFields(type: protobuf.Type): { fields: Record<string, FieldSpec>; required: string[] } {
  const fields: Record<string, FieldSpec> = {};
  const required: string[] = [];
  for (const field of type.fieldsArray) {
    if (INLINE.has(field.fullName.slice(1))) {
      if (!(field.resolvedType instanceof protobuf.Type) || field.repeated || field.map) throw new Error(`${field.fullName}: inlined but not a message`);
      const embedded = structFields(field.resolvedType);
      for (const [name, spec] of Object.entries(embedded.fields)) {
        if (name in fields) warn(`${typeName(type.fullName)}: inlined ${name} shadows a field`);
        fields[name] = spec;
      }
      required.push(...embedded.required);
      continue;
    }
    if (field.name in fields) warn(`${typeName(type.fullName)}: ${field.name} shadows an inlined field`);
    fields[field.name] = fieldSpec(field);
    // `+k8s:required` (declarative validation) says the same as `+required`; some fields (OwnerReference's) only carry it.
    if (docOf(field).tags.has('required') || docOf(field).tags.has('k8s:required')) required.push(field.name);
  }
  return { fields, required };
}

/** The element spec of a Go named slice/map type from its Go element type name. */
function goElemSpec(type: protobuf.Type, elem: string): TypeSpec {
  // The proto wraps the collection in a message with one field (`repeated string items = 1`).
  const [only, ...rest] = type.fieldsArray;
  if (!only || rest.length > 0) throw new Error(`${type.fullName}: a Go collection type should have one proto field`);
  const spec = valueSpec(only);
  if ('scalar' in spec && spec.scalar !== 'string' && elem === 'string') throw new Error(`${type.fullName}: Go ${elem} vs proto ${only.type}`);
  return spec;
}

const types: Record<string, TypeDef> = {};
const collectionTypes: string[] = [];
function visit(ns: protobuf.NamespaceBase) {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const name = typeName(nested.fullName);
      const doc = docOf(nested);
      const description = doc.description ? { description: doc.description } : {};
      const special = SPECIAL[name];
      const collection = goCollections.get(nested.fullName.slice(1));
      if (special) {
        types[name] = { ...special, ...description };
      } else if (collection) {
        collectionTypes.push(`${name} (Go ${collection.kind} of ${collection.elem})`);
        const elem = goElemSpec(nested, collection.elem);
        if (collection.kind === 'slice') types[name] = { ...listSpec(elem, doc, name), ...description };
        else {
          const mapType = tag(doc, 'mapType') === 'atomic' ? 'atomic' : 'granular';
          types[name] = { map: elem, mapType, ...description };
        }
      } else {
        const { fields, required } = structFields(nested);
        const def: StructDef = { ...description, fields };
        const structType = tag(doc, 'structType');
        if (structType === 'atomic') def.structType = 'atomic';
        else if (structType !== undefined && structType !== 'granular') warn(`${name}: unknown +structType=${structType}`);
        if (required.length > 0) def.required = required;
        types[name] = def;
      }
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
  }
}
visit(root);
for (const name of Object.keys(SPECIAL)) if (!types[name]) throw new Error(`special type ${name} not found`);

const kinds: Record<string, string> = {};
for (const gv of SERVED) {
  const [dir, version] = gv.split('/') as [string, string];
  const group = GROUPS[dir];
  if (group === undefined) throw new Error(`no API group for ${gv}`);
  const apiVersion = group ? `${group}/${version}` : version;
  const pkg = root.lookup(`k8s.io.api.${dir}.${version}`);
  if (!(pkg instanceof protobuf.Namespace)) throw new Error(`no package for ${gv}`);
  for (const message of pkg.nestedArray) {
    if (!(message instanceof protobuf.Type) || !message.fields.metadata) continue;
    const list = pkg.nested?.[`${message.name}List`];
    // The authorization reviews are kinds without lists (created, never stored).
    const review = group === 'authorization.k8s.io' && message.name.endsWith('Review');
    if (list instanceof protobuf.Type || review) kinds[`${apiVersion}/${message.name}`] = typeName(message.fullName);
  }
}

/** Every ref must name a type. */
function checkRefs(spec: unknown, where: string) {
  if (spec === null || typeof spec !== 'object') return;
  const s = spec as Record<string, unknown>;
  if (typeof s.ref === 'string' && !types[s.ref]) throw new Error(`${where}: unresolved ref ${s.ref}`);
  if (s.list) checkRefs(s.list, where);
  if (s.map) checkRefs(s.map, where);
  if (s.fields) for (const [name, f] of Object.entries(s.fields as Record<string, unknown>)) checkRefs(f, `${where}.${name}`);
}
for (const [name, def] of Object.entries(types)) checkRefs(def, name);
// Map keys must be fields of the element.
for (const [name, def] of Object.entries(types)) {
  if (!('fields' in def)) continue;
  for (const [fieldName, f] of Object.entries(def.fields)) {
    if (!('list' in f) || !f.keys) continue;
    const elem = 'ref' in f.list ? types[f.list.ref] : undefined;
    if (!elem || !('fields' in elem)) warn(`${name}.${fieldName}: map list of a non-struct`);
    else for (const key of f.keys) if (!(key in elem.fields)) warn(`${name}.${fieldName}: key ${key} is not a field of ${'ref' in f.list ? f.list.ref : ''}`);
  }
}

const result: KubeTypes = {
  _provenance: provenance('npx tsx apps/apiserver/scripts/gen-kube-types.ts'),
  kinds,
  types,
};
writeFileSync(out, `${JSON.stringify(result)}\n`);
// Written compactly, then laid out by the repository's formatter (objects that fit in a line stay on one), so
// `biome check` passes and a regeneration is byte-identical but for the date.
const repo = join(here, '../../..');
try {
  execFileSync(join(repo, 'node_modules/.bin/biome'), ['format', '--write', out], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
} catch (error) {
  warn(`biome format failed, ${out} left compact: ${error}`);
}
console.log(`wrote ${out} (${Object.keys(kinds).length} kinds, ${Object.keys(types).length} types, ${statSync(out).size} bytes)`);
console.log(`special types: ${Object.keys(SPECIAL).join(', ')}`);
console.log(`Go collection types: ${collectionTypes.join(', ') || 'none'}`);
if (refDefaults.length > 0) console.log(`skipped +default=ref(…): ${refDefaults.join('; ')}`);
for (const w of warnings) console.warn(`warning: ${w}`);
console.log(
  `tags dropped from descriptions only: ${[...unmappedTags]
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} (${n})`)
    .join(', ')}`,
);
