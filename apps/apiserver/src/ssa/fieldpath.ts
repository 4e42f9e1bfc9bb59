/**
 * Field sets as server-side apply tracks them (structured-merge-diff's
 * fieldpath.Set): a tree of path elements, each node knowing which of its
 * children are members themselves. Path elements are kept in their
 * `managedFields` (FieldsV1) spelling, so encoding is a walk:
 *
 *   f:<field>            a map key or struct field
 *   k:{"name":"web"}     an item of an associative list, by its keys (sorted)
 *   v:"value"            an item of a set (a list of scalars)
 *   i:<index>            an item of a list by position (not produced for Kubernetes kinds)
 *
 * Sets are immutable once built: every operation returns a new set and may
 * share unchanged subtrees.
 */
export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSet {
  private constructor(
    readonly members: ReadonlySet<PathElement>,
    readonly children: ReadonlyMap<PathElement, FieldSet>,
  ) {}

  static readonly empty = new FieldSet(new Set(), new Map());

  /** For FieldSetBuilder: copies the members, takes the (already built, non-empty) children. */
  static make(members: ReadonlySet<PathElement>, children: Map<PathElement, FieldSet>): FieldSet {
    if (members.size === 0 && children.size === 0) return FieldSet.empty;
    return new FieldSet(new Set(members), children);
  }

  static of(paths: Iterable<Path>): FieldSet {
    const builder = new FieldSetBuilder();
    for (const p of paths) builder.insert(p);
    return builder.build();
  }

  isEmpty(): boolean {
    // Children are never stored empty (every operation drops them), so this is exact.
    return this.members.size === 0 && this.children.size === 0;
  }

  /** Number of member paths. */
  size(): number {
    let n = this.members.size;
    for (const c of this.children.values()) n += c.size();
    return n;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1; i++) {
      node = node.children.get(path[i]!);
      if (!node) return false;
    }
    return node.members.has(path[path.length - 1]!);
  }

  /** The set under one path element (structured-merge-diff's WithPrefix). */
  child(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? FieldSet.empty;
  }

  union(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    const members = new Set(this.members);
    for (const m of other.members) members.add(m);
    const children = new Map(this.children);
    for (const [pe, c] of other.children) {
      const mine = children.get(pe);
      children.set(pe, mine ? mine.union(c) : c);
    }
    return new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    if (this.isEmpty() || other.isEmpty()) return FieldSet.empty;
    const members = new Set<PathElement>();
    for (const m of this.members) if (other.members.has(m)) members.add(m);
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (!theirs) continue;
      const both = c.intersection(theirs);
      if (!both.isEmpty()) children.set(pe, both);
    }
    return new FieldSet(members, children);
  }

  /** Members of this set not in `other`; a member of `other` does not remove this set's paths below it. */
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const members = new Set<PathElement>();
    for (const m of this.members) if (!other.members.has(m)) members.add(m);
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      const rest = theirs ? c.difference(theirs) : c;
      if (!rest.isEmpty()) children.set(pe, rest);
    }
    return new FieldSet(members, children);
  }

  /** Like `difference`, but a member of `other` also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    const members = new Set<PathElement>();
    for (const m of this.members) if (!other.members.has(m)) members.add(m);
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      if (other.members.has(pe)) continue;
      const theirs = other.children.get(pe);
      const rest = theirs ? c.recursiveDifference(theirs) : c;
      if (!rest.isEmpty()) children.set(pe, rest);
    }
    return new FieldSet(members, children);
  }

  equals(other: FieldSet): boolean {
    if (this === other) return true;
    if (this.members.size !== other.members.size || this.children.size !== other.children.size) return false;
    for (const m of this.members) if (!other.members.has(m)) return false;
    for (const [pe, c] of this.children) {
      const theirs = other.children.get(pe);
      if (!theirs || !c.equals(theirs)) return false;
    }
    return true;
  }

  /** Every member path, depth first in element order. */
  *paths(prefix: PathElement[] = []): Generator<Path> {
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort();
    for (const pe of keys) {
      prefix.push(pe);
      if (this.members.has(pe)) yield [...prefix];
      const c = this.children.get(pe);
      if (c) yield* c.paths(prefix);
      prefix.pop();
    }
  }

  /** The FieldsV1 form stored in `metadata.managedFields[].fieldsV1`. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort();
    for (const pe of keys) {
      const c = this.children.get(pe);
      if (!c) {
        out[pe] = {};
        continue;
      }
      const node = c.toFieldsV1();
      out[pe] = this.members.has(pe) ? { '.': {}, ...node } : node;
    }
    return out;
  }

  /** Parses FieldsV1; throws on anything that is not one. */
  static fromFieldsV1(raw: unknown): FieldSet {
    const builder = new FieldSetBuilder();
    const walk = (node: unknown, prefix: PathElement[]) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error('fieldsV1 nodes must be objects');
      for (const [pe, child] of Object.entries(node as Record<string, unknown>)) {
        if (pe === '.') {
          if (prefix.length === 0) throw new Error('fieldsV1 may not mark its root as a member');
          builder.insert(prefix);
          continue;
        }
        if (!/^[fkvi]:/.test(pe)) throw new Error(`fieldsV1 has an unknown path element ${JSON.stringify(pe)}`);
        prefix.push(pe);
        if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0) builder.insert(prefix);
        else walk(child, prefix);
        prefix.pop();
      }
    };
    walk(raw, []);
    return builder.build();
  }
}

/** Mutable construction of a set; `build()` freezes it. */
export class FieldSetBuilder {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, FieldSetBuilder>();

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSetBuilder = this;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i]!;
      let next = node.children.get(pe);
      if (!next) {
        next = new FieldSetBuilder();
        node.children.set(pe, next);
      }
      node = next;
    }
    node.members.add(path[path.length - 1]!);
  }

  build(): FieldSet {
    const children = new Map<PathElement, FieldSet>();
    for (const [pe, c] of this.children) {
      const built = c.build();
      if (!built.isEmpty()) children.set(pe, built);
    }
    return FieldSet.make(this.members, children);
  }
}

export const fieldElement = (name: string): PathElement => `f:${name}`;

/** JSON with object keys sorted, as Go's encoding/json writes the key of an associative list item. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** A path as Kubernetes prints it in conflicts: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.keys(keys)
            .sort()
            .map((k) => `${k}=${JSON.stringify(keys[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
