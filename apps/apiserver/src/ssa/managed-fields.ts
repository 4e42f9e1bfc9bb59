/**
 * `metadata.managedFields` as Kubernetes writes it: one entry per manager
 * identifier (manager, operation, apiVersion for updates, subresource), its
 * fields as FieldsV1 and the time of its last change; entries sorted as
 * kube-apiserver sorts them.
 */
import { FieldSet, pathString } from './fieldpath.js';
import type { Conflict, Managers } from './updater.js';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: Operation;
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerInfo {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
}

/** The key of one entry; appliers are one manager whatever version they applied (as kube's BuildManagerIdentifier). */
export function managerIdentifier(info: ManagerInfo): string {
  // Field order and omissions follow the Go struct's JSON encoding.
  const id: Record<string, string> = { manager: info.manager, operation: info.operation };
  if (info.operation === 'Update') id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

export function parseIdentifier(identifier: string): ManagerInfo & { apiVersion?: string } {
  const parsed = JSON.parse(identifier) as { manager: string; operation: Operation; apiVersion?: string; subresource?: string };
  return { ...parsed, apiVersion: parsed.apiVersion ?? '' };
}

export interface Managed {
  managers: Managers;
  /** identifier → RFC 3339 time of its last change */
  times: Map<string, string>;
}

export const emptyManaged = (): Managed => ({ managers: new Map(), times: new Map() });

/** Parses stored or client-sent managedFields; throws on entries Kubernetes would not accept. */
export function decodeManagedFields(raw: unknown): Managed {
  const out = emptyManaged();
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) throw new Error('managedFields must be a list');
  for (const [i, entry] of raw.entries()) {
    if (entry === null || typeof entry !== 'object') throw new Error(`managedFields[${i}] must be an object`);
    const e = entry as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error(`managedFields[${i}].operation must be Apply or Update`);
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') throw new Error(`managedFields[${i}].fieldsType must be FieldsV1`);
    if (typeof e.manager !== 'string') throw new Error(`managedFields[${i}].manager must be a string`);
    const identifier = managerIdentifier({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion ?? '',
      ...(e.subresource ? { subresource: e.subresource } : {}),
    });
    out.managers.set(identifier, {
      set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}),
      apiVersion: e.apiVersion ?? '',
      applied: e.operation === 'Apply',
    });
    if (typeof e.time === 'string') out.times.set(identifier, e.time);
  }
  return out;
}

/** The entries to store, or undefined for none. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.managers.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [identifier, owned] of managed.managers) {
    const info = parseIdentifier(identifier);
    const time = managed.times.get(identifier);
    entries.push({
      manager: info.manager,
      operation: info.operation,
      apiVersion: owned.apiVersion,
      ...(time ? { time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: owned.set.toFieldsV1(),
      ...(info.subresource ? { subresource: info.subresource } : {}),
    });
  }
  const seconds = (e: ManagedFieldsEntry) => (e.time ? Math.floor(Date.parse(e.time) / 1000) : 0);
  entries.sort(
    (p, q) =>
      cmp(p.operation!, q.operation!) ||
      seconds(p) - seconds(q) ||
      cmp(p.manager!, q.manager!) ||
      cmp(p.apiVersion ?? '', q.apiVersion ?? '') ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `"kubectl" using apps/v1`, `"ctl" with subresource "status"`: how kube-apiserver names a manager in a conflict. */
export function printManager(identifier: string): string {
  let info: ManagerInfo & { apiVersion?: string };
  try {
    info = parseIdentifier(identifier);
  } catch {
    return JSON.stringify(identifier);
  }
  let out = JSON.stringify(info.manager);
  if (info.subresource) out += ` with subresource ${JSON.stringify(info.subresource)}`;
  if (info.operation === 'Update') out += ` using ${info.apiVersion}`;
  return out;
}

/** The 409 message and causes of an apply conflict, worded as kube-apiserver words them. */
export function conflictMessage(conflicts: readonly Conflict[]): { message: string; causes: { reason: string; message: string; field: string }[] } {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return { message: `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`, causes };
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const path of byManager.get(manager)!) lines.push(`- ${path}`);
  }
  return { message: `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes };
}
