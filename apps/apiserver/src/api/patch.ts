import jsonPatch, { type Operation } from 'fast-json-patch';
import { errors } from '../http/status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** RFC 6902 JSON patch; a failing operation (bad path, failed `test`) is a 422 like Kubernetes'. */
export function applyJsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw errors.badRequest('json patch must be an array of operations');
  const problem = jsonPatch.validate(operations as Operation[], target as object);
  if (problem) throw errors.invalid('Patch', '', '', [{ message: `json patch failed: ${problem.message}` }]);
  try {
    return jsonPatch.applyPatch(structuredClone(target), operations as Operation[], false, false).newDocument as Json;
  } catch (e) {
    throw errors.invalid('Patch', '', '', [{ message: `json patch failed: ${(e as Error).message}` }]);
  }
}

/**
 * Merge keys of the built-in kinds (the `patchMergeKey` struct tags kubectl
 * relies on). Context matters for `ports`: container ports merge on
 * containerPort, Service ports on port.
 */
function mergeKeyFor(field: string, path: readonly string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'ports':
      return path.some((p) => p === 'containers' || p === 'initContainers' || p === 'ephemeralContainers') ? 'containerPort' : 'port';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'readinessGates':
      return 'conditionType';
    default:
      return undefined;
  }
}

/** Primitive lists whose patch strategy is "merge" (set union). */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

const DIRECTIVE = '$patch';
const ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

function mergeList(original: Json[], patch: Json[], field: string, path: string[]): Json[] {
  const key = mergeKeyFor(field, path);
  if (!key) {
    if (MERGED_PRIMITIVE_LISTS.has(field)) {
      const out = [...original];
      for (const v of patch) if (!out.includes(v)) out.push(v);
      return out;
    }
    const replace = patch.find((p) => isObject(p) && p[DIRECTIVE] === 'replace');
    return replace ? patch.filter((p) => p !== replace) : patch;
  }
  if (patch.some((p) => isObject(p) && p[DIRECTIVE] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p[DIRECTIVE] === 'replace'));
  }
  const out = [...original];
  for (const item of patch) {
    if (!isObject(item)) {
      out.push(item);
      continue;
    }
    const id = item[key];
    const index = out.findIndex((o) => isObject(o) && o[key] === id);
    if (item[DIRECTIVE] === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMerge(out[index], item, [...path, field]);
    else out.push(strategicMerge(undefined, item, [...path, field]));
  }
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const identity = (v: Json) => (key && isObject(v) ? v[key] : v);
  const wanted = order.map(identity);
  const ranked = list.map((v, i) => ({ v, rank: wanted.indexOf(identity(v)), i }));
  ranked.sort((a, b) => (a.rank < 0 ? Number.MAX_SAFE_INTEGER : a.rank) - (b.rank < 0 ? Number.MAX_SAFE_INTEGER : b.rank) || a.i - b.i);
  return ranked.map((r) => r.v);
}

/**
 * Strategic merge patch for the built-in kinds: maps merge recursively,
 * `null` deletes, lists with a known merge key merge by that key, other lists
 * replace; `$patch: replace|delete`, `$setElementOrder/…`,
 * `$deleteFromPrimitiveList/…` and `$retainKeys` directives as kubectl sends them.
 */
export function strategicMerge(original: Json | undefined, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) return patch;
  if (patch[DIRECTIVE] === 'replace') {
    const { [DIRECTIVE]: _, ...rest } = patch;
    return rest;
  }
  const out: JsonObject = isObject(original) ? { ...original } : {};
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE) continue;
    if (k === RETAIN_KEYS) continue;
    if (k.startsWith(ORDER_PREFIX)) {
      if (Array.isArray(v)) orders.push([k.slice(ORDER_PREFIX.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = k.slice(DELETE_PRIMITIVE_PREFIX.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) out[field] = current.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (isObject(v)) {
      if (v[DIRECTIVE] === 'delete') {
        delete out[k];
        continue;
      }
      out[k] = strategicMerge(out[k], v, [...path, k]);
    } else if (Array.isArray(v)) {
      const current = out[k];
      out[k] = mergeList(Array.isArray(current) ? current : [], v, k, path);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = reorder(list, order, mergeKeyFor(field, path));
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k) && !(k in patch)) delete out[k];
  }
  return out;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string): PatchType | undefined {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      return undefined;
  }
}

export function applyPatch(type: PatchType, current: Json, patch: unknown): Json {
  switch (type) {
    case 'merge':
      if (!isObject(patch as Json)) throw errors.badRequest('merge patch must be a JSON object');
      return mergePatch(current, patch as Json);
    case 'json':
      return applyJsonPatch(current, patch);
    case 'strategic':
    case 'apply':
      if (!isObject(patch as Json)) throw errors.badRequest('strategic merge patch must be a JSON object');
      return strategicMerge(current, patch as Json);
  }
}
