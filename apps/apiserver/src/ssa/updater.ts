/**
 * Field ownership across managers (structured-merge-diff's merge.Updater):
 * an update takes the fields it changed away from everyone else; an apply
 * owns exactly what its configuration sets, removes what it stopped setting
 * when nobody else owns it, and conflicts with other managers over fields
 * whose values it would change, unless forced.
 */
import { FieldSet, type Path } from './fieldpath.js';
import type { MergeType } from './schema.js';
import { type Comparison, compare, deepEqual, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet } from './typed.js';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  /** Owned by an Apply (true) or an Update (false). */
  applied: boolean;
}

/** Manager identifier → what it owns. */
export type Managers = Map<string, VersionedSet>;

export interface Conflict {
  manager: string;
  path: Path;
}

export class ApplyConflictError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
  }
}

export interface UpdaterOptions {
  type: MergeType;
  /**
   * The fields a request may not own (Kubernetes' reset fields): `status`
   * through the main resource, everything but `status` through `/status`.
   */
  filter?: (set: FieldSet) => FieldSet;
}

export class Updater {
  constructor(private readonly options: UpdaterOptions) {}

  private filter(set: FieldSet): FieldSet {
    return this.options.filter ? this.options.filter(set) : set;
  }

  private changes(oldObject: unknown, newObject: unknown): Comparison {
    const c = compare(oldObject, newObject, this.options.type);
    return { added: this.filter(c.added), removed: this.filter(c.removed), modified: this.filter(c.modified) };
  }

  /** Strips fields that changed from other managers; conflicts when not forced. */
  private reassign(oldObject: unknown, newObject: unknown, managers: Managers, workflow: string, force: boolean): { managers: Managers; changes: Comparison } {
    const changes = this.changes(oldObject, newObject);
    const touched = changes.modified.union(changes.added);
    const conflicts = new Map<string, FieldSet>();
    for (const [manager, owned] of managers) {
      if (manager === workflow) continue;
      const overlap = owned.set.intersection(touched);
      if (!overlap.isEmpty()) conflicts.set(manager, overlap);
    }
    if (!force && conflicts.size > 0) {
      const list: Conflict[] = [];
      for (const [manager, set] of conflicts) for (const path of set.paths()) list.push({ manager, path });
      throw new ApplyConflictError(list);
    }
    const out: Managers = new Map();
    for (const [manager, owned] of managers) {
      let set = owned.set;
      const lost = conflicts.get(manager);
      if (lost) set = set.difference(lost);
      if (manager !== workflow && !changes.removed.isEmpty()) set = set.difference(changes.removed);
      if (!set.isEmpty()) out.set(manager, { ...owned, set });
    }
    return { managers: out, changes };
  }

  /** A create, update or non-apply patch by `manager`: it owns what it changed, nobody owns what it removed. */
  update(liveObject: unknown, newObject: unknown, apiVersion: string, managers: Managers, manager: string): { managers: Managers; changed: boolean } {
    const { managers: next, changes } = this.reassign(liveObject, newObject, managers, manager, true);
    const previous = next.get(manager)?.set ?? FieldSet.empty;
    const set = this.filter(previous.difference(changes.removed).union(changes.modified).union(changes.added));
    if (set.isEmpty()) next.delete(manager);
    else next.set(manager, { set, apiVersion, applied: false });
    const changed = !(changes.added.isEmpty() && changes.removed.isEmpty() && changes.modified.isEmpty());
    return { managers: next, changed };
  }

  /**
   * Applies `config` as `manager`. Returns the new object (undefined when it
   * equals the live one) and the new ownership; throws ApplyConflictError.
   */
  apply(
    liveObject: unknown,
    config: unknown,
    apiVersion: string,
    managers: Managers,
    manager: string,
    force: boolean,
  ): { object: unknown; managers: Managers } {
    const merged = merge(liveObject, config, this.options.type);
    const lastSet = managers.get(manager);
    const withApplier: Managers = new Map(managers);
    withApplier.set(manager, { set: this.filter(toFieldSet(config, this.options.type)), apiVersion, applied: true });
    const pruned = this.prune(merged, withApplier, lastSet);
    const { managers: next } = this.reassign(liveObject, pruned, withApplier, manager, force);
    return { object: deepEqual(liveObject, pruned) ? undefined : pruned, managers: next };
  }

  /**
   * Removes what the applier applied last time, did not apply now, and no
   * other manager owns; then restores what removal took with it that was not
   * the applier's (structured-merge-diff's prune, addBackOwnedItems and
   * addBackDanglingItems).
   */
  private prune(merged: unknown, managers: Managers, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.isEmpty()) return merged;
    const t = this.options.type;
    const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, t);
    let pruned = removeItems(merged, named(lastSet.set), t);
    let managed = FieldSet.empty;
    for (const owned of managers.values()) managed = managed.union(owned.set);
    const mergedSet = named(toFieldSet(merged, t));
    pruned = removeItems(merged, mergedSet.difference(named(toFieldSet(pruned, t)).union(named(managed))), t);
    const prunedSet = named(toFieldSet(pruned, t));
    return removeItems(merged, mergedSet.difference(prunedSet).intersection(named(lastSet.set)), t) ?? {};
  }
}
