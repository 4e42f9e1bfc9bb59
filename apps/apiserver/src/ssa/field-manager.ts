/**
 * Server-side apply and field ownership for one write, as kube-apiserver's
 * field manager chain does it (k8s.io/apimachinery/pkg/util/managedfields):
 * managers are named by `fieldManager` or the client's User-Agent; updates
 * are tracked from creation on (objects that never had managedFields are
 * left untracked until their first apply, which assigns their existing
 * fields to `before-first-apply`); the object's identity and bookkeeping
 * fields are never owned; at most ten update managers are kept, older ones
 * folded into `ancient-changes`.
 */
import { ApiError, errors } from '../http/status.js';
import type { KubeObject } from '../registry/types.js';
import { FieldSet } from './fieldpath.js';
import { conflictMessage, decodeManagedFields, emptyManaged, encodeManagedFields, type Managed, managerIdentifier } from './managed-fields.js';
import type { MergeType } from './schema.js';
import { MergeInputError } from './typed.js';
import { ApplyConflictError, Updater } from './updater.js';

/** Never owned by anyone (kube's stripMetaManager). */
const STRIPPED = FieldSet.of([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
]);

const MAX_UPDATE_MANAGERS = 10;
const STATUS = FieldSet.of([['f:status']]);

export interface OwnershipTarget {
  /** The merge schema of the resource. */
  type: MergeType;
  /** group/version of the request ("apps/v1", "v1"). */
  apiVersion: string;
  subresource?: string;
  /** The resource has a `/status` subresource: status is not owned through the main resource, and only status through `/status`. */
  hasStatus: boolean;
}

function updaterFor(target: OwnershipTarget): Updater {
  if (!target.hasStatus) return new Updater({ type: target.type });
  if (target.subresource === 'status') return new Updater({ type: target.type, filter: onlyStatus });
  return new Updater({ type: target.type, filter: (s) => s.recursiveDifference(STATUS) });
}

/** The part of a set at or below `status`. */
function onlyStatus(s: FieldSet): FieldSet {
  const below = s.children.get('f:status');
  return FieldSet.make(s.members.has('f:status') ? new Set(['f:status']) : new Set(), below ? new Map([['f:status', below]]) : new Map());
}

const nowRfc3339 = () => `${new Date().toISOString().slice(0, 19)}Z`;

function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function isReset(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  return raw.length === 1 && raw[0] !== null && typeof raw[0] === 'object' && Object.keys(raw[0] as object).length === 0;
}

function decodeOrEmpty(raw: unknown): Managed {
  try {
    return decodeManagedFields(raw);
  } catch {
    return emptyManaged();
  }
}

function strip(managed: Managed, identifier: string): void {
  const owned = managed.managers.get(identifier);
  if (!owned) return;
  const set = owned.set.difference(STRIPPED);
  if (set.isEmpty()) managed.managers.delete(identifier);
  else managed.managers.set(identifier, { ...owned, set });
}

/** Folds the oldest update managers into `ancient-changes` (one per apiVersion) beyond ten. */
function capUpdateManagers(managed: Managed): void {
  const updaters = [...managed.managers].filter(([, v]) => !v.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const seconds = (id: string) => Math.floor(Date.parse(managed.times.get(id) ?? '1970-01-01T00:00:00Z') / 1000);
  updaters.sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  let length = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const owned = managed.managers.get(id)!;
    const time = managed.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: owned.apiVersion });
    const first = firstOfVersion.get(owned.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(owned.apiVersion, id);
      continue;
    }
    if (!managed.managers.has(bucket)) {
      const firstSet = managed.managers.get(first)!;
      managed.managers.delete(first);
      managed.times.delete(first);
      managed.managers.set(bucket, firstSet);
    }
    const into = managed.managers.get(bucket)!;
    managed.managers.set(bucket, { ...into, set: owned.set.union(into.set) });
    managed.managers.delete(id);
    managed.times.delete(id);
    if (time) managed.times.set(bucket, time);
    length--;
  }
}

function setManagedFields(obj: KubeObject, managed: Managed): void {
  obj.metadata ??= {};
  const entries = encodeManagedFields(managed);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}

function inputError(e: unknown): never {
  if (e instanceof MergeInputError) throw errors.badRequest(e.message);
  throw e;
}

/**
 * Records a create, update or non-apply patch by `manager` in
 * `next.metadata.managedFields` (mutates `next`). `live` is null for a create.
 */
export function trackUpdate(target: OwnershipTarget, live: KubeObject | null, next: KubeObject, manager: string): void {
  let managed: Managed;
  const sent = next.metadata?.managedFields;
  if (target.subresource || live === null) managed = target.subresource ? decodeOrEmpty(live?.metadata?.managedFields) : decodeOrEmpty(sent);
  else if (isReset(sent)) managed = emptyManaged();
  else {
    managed = decodeOrEmpty(sent);
    if (managed.managers.size === 0) managed = decodeOrEmpty(live.metadata?.managedFields);
  }
  if (live !== null && managed.managers.size === 0) {
    // Never tracked (or reset by the client): stays untracked until an apply.
    if (next.metadata) delete next.metadata.managedFields;
    return;
  }
  const identifier = managerIdentifier({
    manager: manager || 'unknown',
    operation: 'Update',
    apiVersion: target.apiVersion,
    ...(target.subresource ? { subresource: target.subresource } : {}),
  });
  try {
    const result = updaterFor(target).update(
      live ? withoutManagedFields(live) : {},
      withoutManagedFields(next),
      target.apiVersion,
      managed.managers,
      identifier,
    );
    managed.managers = result.managers;
    strip(managed, identifier);
    if (managed.managers.has(identifier) && (result.changed || !managed.times.has(identifier))) managed.times.set(identifier, nowRfc3339());
  } catch (e) {
    inputError(e);
  }
  capUpdateManagers(managed);
  setManagedFields(next, managed);
}

/**
 * Applies `config` as `manager` to `live` (null: the object does not exist).
 * Returns the object to store, with its managedFields; 409 on conflicts
 * unless `force`.
 */
export function trackApply(target: OwnershipTarget, live: KubeObject | null, config: KubeObject, manager: string, force: boolean): KubeObject {
  if (config.metadata && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const liveObject = live ? withoutManagedFields(live) : {};
  let managed = live ? decodeOrEmpty(live.metadata?.managedFields) : emptyManaged();
  const updater = updaterFor(target);
  try {
    if (live && managed.managers.size === 0) {
      // Fields set before anyone applied belong to a manager of their own, so an apply can conflict with them.
      const identifier = managerIdentifier({ manager: 'before-first-apply', operation: 'Update', apiVersion: target.apiVersion });
      managed = { managers: updater.update({}, liveObject, target.apiVersion, managed.managers, identifier).managers, times: managed.times };
      strip(managed, identifier);
    }
    const identifier = managerIdentifier({
      manager,
      operation: 'Apply',
      apiVersion: target.apiVersion,
      ...(target.subresource ? { subresource: target.subresource } : {}),
    });
    const result = updater.apply(liveObject, withoutManagedFields(config), target.apiVersion, managed.managers, identifier, force);
    managed.managers = result.managers;
    strip(managed, identifier);
    if (result.object !== undefined || !managed.times.has(identifier)) managed.times.set(identifier, nowRfc3339());
    const out = structuredClone((result.object ?? liveObject) as KubeObject);
    setManagedFields(out, managed);
    return out;
  } catch (e) {
    if (e instanceof ApplyConflictError) {
      const { message, causes } = conflictMessage(e.conflicts);
      throw new ApiError(409, 'Conflict', message, { causes });
    }
    inputError(e);
  }
}

/** The manager of a write: `fieldManager`, else the User-Agent's product (`kubectl/v1.35 …` → `kubectl`). */
export function managerOf(query: URLSearchParams, userAgent: string | undefined, isApply: boolean): string {
  const named = query.get('fieldManager');
  if (named !== null && named !== '') {
    if (named.length > 128)
      throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'fieldManager', message: `Too long: may not be more than 128 bytes` }]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is refused.
    if (/[\u0000-\u001f\u007f]/.test(named)) {
      throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
        { field: 'fieldManager', message: `Invalid value: "${named}": must only contain printable characters` },
      ]);
    }
    return named;
  }
  if (isApply) throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
  const product = (userAgent ?? '').split('/')[0]!.slice(0, 128);
  return product;
}
