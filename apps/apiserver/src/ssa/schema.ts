/**
 * The structured-merge view of a schema: only what merging and ownership need
 * (which lists are atomic, sets or maps and by which keys; which maps are
 * atomic; which struct fields exist and their key defaults). Built from the
 * generated Kubernetes type schema for built-in kinds (kube-types.ts) and from
 * a CRD's openAPIV3Schema; anything else is `untyped`, which, as
 * structured-merge-diff's deduced type, merges maps key by key and replaces
 * lists whole.
 */
export type MergeType =
  | { kind: 'scalar' }
  | { kind: 'untyped' }
  | {
      kind: 'map';
      /** Named fields of a struct; keys not listed here are `elements`. */
      fields?: ReadonlyMap<string, MergeType>;
      /** The type of keys not in `fields` (a Go map's values); unknown keys of a struct are untyped. */
      elements?: MergeType;
      atomic?: boolean;
      /** Defaults of fields, used when an associative list item omits a key field. */
      defaults?: ReadonlyMap<string, unknown>;
    }
  | { kind: 'list'; elements: MergeType; listType: 'atomic' | 'set' | 'map'; keys?: readonly string[] }
  /** A named type resolved on first use (schemas may be recursive). */
  | { kind: 'lazy'; resolve: () => MergeType };

export const UNTYPED: MergeType = { kind: 'untyped' };
export const SCALAR: MergeType = { kind: 'scalar' };

/** Follows lazy references; memoizes each. */
export function resolveType(t: MergeType): Exclude<MergeType, { kind: 'lazy' }> {
  let cur = t;
  while (cur.kind === 'lazy') cur = cur.resolve();
  return cur;
}

export function lazy(build: () => MergeType): MergeType {
  let cached: MergeType | undefined;
  return {
    kind: 'lazy',
    resolve: () => {
      cached ??= build();
      return cached;
    },
  };
}

/** The type of one key of a map. */
export function fieldType(map: Extract<MergeType, { kind: 'map' }>, key: string): MergeType {
  return map.fields?.get(key) ?? map.elements ?? UNTYPED;
}

export function isNamedField(t: MergeType, key: string): boolean {
  const r = resolveType(t);
  return r.kind === 'map' && r.fields?.has(key) === true;
}
