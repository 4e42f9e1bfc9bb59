/**
 * The schema-aware walks of server-side apply over plain JSON objects, with
 * structured-merge-diff's semantics (typed/tofieldset.go, compare.go,
 * merge.go, remove.go): which fields an object sets, what changed between two
 * objects, merging an applied configuration into a live object, and removing
 * a set of fields from an object.
 */
import { canonicalJson, FieldSet, FieldSetBuilder, type PathElement } from './fieldpath.js';
import { fieldType, type MergeType, resolveType, SCALAR, UNTYPED } from './schema.js';

type JsonObject = Record<string, unknown>;
type Resolved = Exclude<MergeType, { kind: 'lazy' }>;

/** Input the walks cannot interpret (duplicate keys in an applied list, an item without its keys): a 400/422. */
export class MergeInputError extends Error {}

const DEDUCED_MAP: Resolved = { kind: 'map', elements: UNTYPED };
const DEDUCED_LIST: Resolved = { kind: 'list', elements: UNTYPED, listType: 'atomic' };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The type to walk `value` with; a value whose shape contradicts the schema is a leaf (validation reports it). */
function atomFor(t: MergeType, value: unknown): Resolved {
  const r = resolveType(t);
  if (r.kind === 'untyped') {
    if (isObject(value)) return DEDUCED_MAP;
    if (Array.isArray(value)) return DEDUCED_LIST;
    return r;
  }
  if (value === null || value === undefined) return r;
  if (r.kind === 'map' && !isObject(value)) return SCALAR as Resolved;
  if (r.kind === 'list' && !Array.isArray(value)) return SCALAR as Resolved;
  return r;
}

function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** Leaves are compared and replaced whole: scalars, atomic maps and lists, and containers empty on both sides. */
function isLeaf(a: Resolved, l: unknown, r: unknown): boolean {
  if (a.kind === 'scalar' || a.kind === 'untyped') return true;
  if (a.kind === 'map' ? a.atomic === true : a.listType === 'atomic') return true;
  return isEmptyValue(l) && isEmptyValue(r);
}

/** The path element of one item of an associative list (`k:` by its keys, or `v:` for a set). */
export function itemElement(list: Extract<Resolved, { kind: 'list' }>, item: unknown): PathElement {
  if (list.listType === 'map') {
    if (!isObject(item)) throw new MergeInputError('associative list with keys may not have non-map elements');
    const elements = resolveType(list.elements);
    const defaults = elements.kind === 'map' ? elements.defaults : undefined;
    const key: JsonObject = {};
    for (const k of list.keys ?? []) {
      if (item[k] !== undefined) key[k] = item[k];
      else if (defaults?.has(k)) key[k] = defaults.get(k);
    }
    if (Object.keys(key).length === 0) {
      throw new MergeInputError(
        `associative list with keys has an element that omits all key fields ${JSON.stringify(list.keys ?? [])} (and doesn't have default values for any key fields)`,
      );
    }
    return `k:${canonicalJson(key)}`;
  }
  if (isObject(item)) throw new MergeInputError("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new MergeInputError('not supported: associative list with lists as elements');
  if (item === null) throw new MergeInputError("associative list without keys has an element that's an explicit null");
  return `v:${canonicalJson(item)}`;
}

// ---------------------------------------------------------------------------
// toFieldSet

/** The fields an object (or an applied configuration) sets. Duplicated list items are owned as a whole. */
export function toFieldSet(value: unknown, t: MergeType): FieldSet {
  const out = new FieldSetBuilder();
  collect(value, t, [], out);
  return out.build();
}

function collect(value: unknown, t: MergeType, path: PathElement[], out: FieldSetBuilder): void {
  const a = atomFor(t, value);
  if (a.kind === 'scalar' || a.kind === 'untyped') {
    out.insert(path);
    return;
  }
  if (a.kind === 'list') {
    if (a.listType === 'atomic') {
      out.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const elements = value.map((item) => itemElement(a, item));
    const counts = new Map<PathElement, number>();
    for (const pe of elements) counts.set(pe, (counts.get(pe) ?? 0) + 1);
    const doneDuplicates = new Set<PathElement>();
    for (const [i, pe] of elements.entries()) {
      path.push(pe);
      if (counts.get(pe)! > 1) {
        if (!doneDuplicates.has(pe)) out.insert(path);
        doneDuplicates.add(pe);
      } else {
        collect(value[i], a.elements, path, out);
        out.insert(path);
      }
      path.pop();
    }
    return;
  }
  if (a.atomic) {
    out.insert(path);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, child] of Object.entries(value)) {
    path.push(`f:${k}`);
    collect(child, fieldType(a, k), path, out);
    if (child === null || (isObject(child) && Object.keys(child).length === 0) || !a.fields?.has(k)) out.insert(path);
    path.pop();
  }
}

// ---------------------------------------------------------------------------
// compare

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** What changed from `lhs` to `rhs`, as three field sets. */
export function compare(lhs: unknown, rhs: unknown, t: MergeType): Comparison {
  const c = { added: new FieldSetBuilder(), removed: new FieldSetBuilder(), modified: new FieldSetBuilder() };
  compareAt(lhs, rhs, t, [], c);
  return { added: c.added.build(), removed: c.removed.build(), modified: c.modified.build() };
}

interface ComparisonBuilder {
  added: FieldSetBuilder;
  removed: FieldSetBuilder;
  modified: FieldSetBuilder;
}

function compareAt(l: unknown, r: unknown, t: MergeType, path: PathElement[], c: ComparisonBuilder): void {
  const la = l === undefined ? undefined : atomFor(t, l);
  const ra = r === undefined ? undefined : atomFor(t, r);
  const a = (ra ?? la)!;
  if (la && ra && la.kind !== ra.kind) {
    // A value changed shape (a scalar became a map): the old one is removed, the new one added, both whole.
    const container = (x: Resolved) => x.kind === 'map' || x.kind === 'list';
    if (container(la)) compareAt(l, undefined, t, path, c);
    if (container(ra)) compareAt(undefined, r, t, path, c);
    if (!container(la) || !container(ra)) c.modified.insert(path);
    return;
  }
  if (isLeaf(a, l, r)) {
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
    else if (!deepEqual(l, r)) c.modified.insert(path);
    return;
  }
  if (a.kind === 'map') {
    const lm = isObject(l) ? l : {};
    const rm = isObject(r) ? r : {};
    for (const k of Object.keys(lm)) {
      path.push(`f:${k}`);
      compareAt(lm[k], rm[k], fieldType(a, k), path, c);
      path.pop();
    }
    for (const k of Object.keys(rm)) {
      if (k in lm) continue;
      path.push(`f:${k}`);
      compareAt(undefined, rm[k], fieldType(a, k), path, c);
      path.pop();
    }
  } else if (a.kind === 'list') {
    compareListItems(a, Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], path, c);
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

function compareListItems(a: Extract<Resolved, { kind: 'list' }>, l: unknown[], r: unknown[], path: PathElement[], c: ComparisonBuilder): void {
  const group = (items: unknown[]) => {
    const out = new Map<PathElement, unknown[]>();
    for (const item of items) {
      const pe = itemElement(a, item);
      const list = out.get(pe);
      if (list) list.push(item);
      else out.set(pe, [item]);
    }
    return out;
  };
  const lValues = group(l);
  const rValues = group(r);
  const all = [...lValues.keys(), ...[...rValues.keys()].filter((pe) => !lValues.has(pe))];
  for (const pe of all) {
    const lList = lValues.get(pe) ?? [];
    const rList = rValues.get(pe) ?? [];
    path.push(pe);
    if (lList.length <= 1 && rList.length <= 1) {
      compareAt(lList[0], rList[0], a.elements, path, c);
    } else if (lList.length >= 2 && rList.length >= 2) {
      if (!deepEqual(lList, rList)) c.modified.insert(path);
    } else if (lList.length >= 2) {
      // Duplicates before, not any more: the duplicate marker goes, a single new item is added.
      if (rList.length > 0) compareAt(undefined, rList[0], a.elements, path, c);
      c.removed.insert(path);
    } else {
      if (lList.length > 0) compareAt(lList[0], undefined, a.elements, path, c);
      c.added.insert(path);
    }
    path.pop();
  }
}

// ---------------------------------------------------------------------------
// merge

/** Merges an applied configuration into a live object: the configuration wins on every leaf it sets. */
export function merge(live: unknown, config: unknown, t: MergeType): unknown {
  if (config === undefined) return live;
  if (live === undefined) {
    // Still walked: an applied configuration with duplicate or keyless list items is refused.
    checkConfig(config, t);
    return config;
  }
  const la = atomFor(t, live);
  const ra = atomFor(t, config);
  if (la.kind !== ra.kind || isLeaf(ra, live, config)) return config;
  if (ra.kind === 'map') {
    const lm = live as JsonObject;
    const rm = config as JsonObject;
    const out: JsonObject = {};
    for (const k of Object.keys(lm)) {
      const v = merge(lm[k], rm[k], fieldType(ra, k));
      if (v !== undefined) out[k] = v;
    }
    for (const k of Object.keys(rm)) {
      if (k in lm) continue;
      const v = merge(undefined, rm[k], fieldType(ra, k));
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (ra.kind === 'list') return mergeList(ra, live as unknown[], config as unknown[]);
  return config;
}

function checkConfig(config: unknown, t: MergeType): void {
  const a = atomFor(t, config);
  if (a.kind === 'map' && !a.atomic && isObject(config)) {
    for (const [k, v] of Object.entries(config)) checkConfig(v, fieldType(a, k));
  } else if (a.kind === 'list' && a.listType !== 'atomic' && Array.isArray(config)) {
    const seen = new Set<PathElement>();
    for (const item of config) {
      const pe = itemElement(a, item);
      if (seen.has(pe)) throw new MergeInputError(`duplicate entries for key ${pe}`);
      seen.add(pe);
      checkConfig(item, a.elements);
    }
  }
}

/**
 * Items merge by key. The order is structured-merge-diff's: items of the
 * configuration keep the configuration's order, live items it does not
 * mention stay where they were relative to the items around them.
 */
function mergeList(a: Extract<Resolved, { kind: 'list' }>, lhs: unknown[], rhs: unknown[]): unknown[] {
  const rhsPEs: PathElement[] = [];
  const observedRHS = new Map<PathElement, unknown>();
  for (const item of rhs) {
    const pe = itemElement(a, item);
    if (observedRHS.has(pe)) throw new MergeInputError(`duplicate entries for key ${pe}`);
    observedRHS.set(pe, item);
    rhsPEs.push(pe);
  }
  const lhsPEs: PathElement[] = [];
  const observedLHS = new Map<PathElement, unknown>();
  for (const item of lhs) {
    const pe = itemElement(a, item);
    // Live duplicates are not merged with the configuration's item.
    observedLHS.set(pe, observedLHS.has(pe) ? null : item);
    lhsPEs.push(pe);
  }
  const sharedOrder = rhsPEs.filter((pe) => observedLHS.has(pe));
  let nextShared = sharedOrder.shift();
  const mergedRHS = new Set<PathElement>();
  const out: unknown[] = [];
  const push = (v: unknown) => {
    if (v !== undefined) out.push(v);
  };
  let lI = 0;
  let rI = 0;
  while (lI < lhsPEs.length || rI < rhsPEs.length) {
    if (lI < lhsPEs.length && rI < rhsPEs.length) {
      const pe = lhsPEs[lI]!;
      if (pe === rhsPEs[rI]) {
        mergedRHS.add(pe);
        push(merge(observedLHS.get(pe), observedRHS.get(pe), a.elements));
        lI++;
        rI++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (observedRHS.has(pe) && nextShared !== undefined && nextShared !== pe) {
        lI++;
        continue;
      }
    }
    if (lI < lhsPEs.length) {
      const pe = lhsPEs[lI]!;
      if (!observedRHS.has(pe)) {
        push(merge(lhs[lI], undefined, a.elements));
        lI++;
        continue;
      }
      if (mergedRHS.has(pe)) lI++;
    }
    if (rI < rhsPEs.length) {
      const pe = rhsPEs[rI]!;
      mergedRHS.add(pe);
      push(merge(observedLHS.get(pe), observedRHS.get(pe), a.elements));
      rI++;
      if (nextShared === pe) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// remove

/** The object without the fields in `set`; containers left empty by the removal disappear. */
export function removeItems(value: unknown, set: FieldSet, t: MergeType): unknown {
  if (set.isEmpty()) return value;
  const a = atomFor(t, value);
  if (a.kind === 'list') {
    if (!Array.isArray(value) || value.length === 0 || a.listType === 'atomic') return value;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = itemElement(a, item);
      if (set.members.has(pe)) continue;
      const sub = set.child(pe);
      const kept = sub.isEmpty() ? item : removeItems(item, sub, a.elements);
      if (kept !== undefined) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }
  if (a.kind === 'map') {
    if (!isObject(value) || Object.keys(value).length === 0 || a.atomic) return value;
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = `f:${k}`;
      if (set.members.has(pe)) continue;
      const sub = set.child(pe);
      const kept = sub.isEmpty() ? v : removeItems(v, sub, fieldType(a, k));
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

/**
 * Adds, as members, the named struct fields that have children in the set, so
 * that removing the set removes such a field once nothing below it is left
 * (structured-merge-diff's EnsureNamedFieldsAreMembers).
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, t: MergeType): FieldSet {
  if (set.children.size === 0) return set;
  const a = resolveType(t);
  const members = new Set(set.members);
  const children = new Map<PathElement, FieldSet>();
  for (const [pe, child] of set.children) {
    let childType: MergeType = UNTYPED;
    if (pe.startsWith('f:') && a.kind === 'map') {
      const name = pe.slice(2);
      if (a.fields?.has(name)) members.add(pe);
      childType = fieldType(a, name);
    } else if (pe.startsWith('k:') && a.kind === 'list') {
      childType = a.elements;
    }
    children.set(pe, ensureNamedFieldsAreMembers(child, childType));
  }
  return FieldSet.make(members, children);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as JsonObject);
  const bo = b as JsonObject;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!(k in bo) || !deepEqual((a as JsonObject)[k], bo[k])) return false;
  return true;
}
