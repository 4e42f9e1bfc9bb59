/**
 * kcp naming: a logical cluster's path is `root:<org>:<team…>:<name>`, each
 * segment a DNS-1123 label. Shared by the console (what to request), the
 * worker (which Workspaces to ensure) and tests.
 */

/**
 * On an object the platform writes into a tenant's logical cluster (the members binding, the default
 * LimitRange): the org owns it, not the tenant, although every member is cluster-admin there. The value
 * names the org policy the object implements (`default-requests`, `member-access`). The API server's
 * Guardrails admission refuses tenants any change or deletion of such an object, and the label itself.
 */
export const GUARDRAIL_LABEL = 'atrium.io/guardrail';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return value.length > 0 && value.length <= 63 && DNS1123_LABEL.test(value);
}

export class InvalidPathError extends Error {
  override name = 'InvalidPathError';
}

export function kcpPath(segments: readonly string[]): string {
  for (const s of segments) {
    if (!isDns1123Label(s)) throw new InvalidPathError(`"${s}" is not a valid path segment: use lower-case letters, digits and '-', at most 63 characters`);
  }
  return ['root', ...segments].join(':');
}

export function parseKcpPath(path: string): string[] {
  const segments = path.split(':');
  if (segments[0] !== 'root') throw new InvalidPathError(`"${path}" must start with root`);
  for (const s of segments) if (!isDns1123Label(s)) throw new InvalidPathError(`"${path}" has an invalid segment "${s}"`);
  return segments;
}

/** `parentPath('root:acme:dev')` → `root:acme`; root has no parent. */
export function parentPath(path: string): string | undefined {
  const i = path.lastIndexOf(':');
  return i < 0 ? undefined : path.slice(0, i);
}

/** The URL of a logical cluster on a kcp-compatible server. */
export function clusterUrl(serverBase: string, path: string): string {
  return `${serverBase.replace(/\/+$/, '')}/clusters/${path}`;
}

/** Cuts an over-long type name and suffixes a hash of the full one, so it stays a unique DNS label of at most 63 characters. */
function typeNameOf(full: string): string {
  if (full.length <= 63) return full;
  let h = 0x811c9dc5;
  for (let i = 0; i < full.length; i++) h = Math.imul(h ^ full.charCodeAt(i), 0x01000193) >>> 0;
  const suffix = h.toString(36).padStart(7, '0');
  return `${full.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

/**
 * The backend WorkspaceType of an org's cluster template: `atrium-<org>-<template>`. A type name is a
 * DNS label of at most 63 characters starting with a letter; org and template slugs can each be longer
 * than half of that, so an over-long name is cut and suffixed with a hash of the full one (still unique).
 */
export function workspaceTypeName(orgSlug: string, templateSlug: string): string {
  return typeNameOf(`atrium-${orgSlug}-${templateSlug}`);
}

/** The backend WorkspaceType of a platform template: `atrium-<template>`, kept in `root` like kcp's own platform types. */
export function platformWorkspaceTypeName(templateSlug: string): string {
  return typeNameOf(`atrium-${templateSlug}`);
}

/**
 * Where a template's WorkspaceType lives and what a Workspace's `spec.type` says to use it. kcp keeps the
 * platform-wide set of types in `root` (`root:universal`, `root:organization`); an org's own types live in
 * its workspace, where only that org's members can be granted `use` on them. The path is always explicit:
 * a type reference without one would be looked up relative to the parent workspace.
 */
export function templateWorkspaceType(orgSlug: string | null, templateSlug: string): { name: string; path: string } {
  return orgSlug === null
    ? { name: platformWorkspaceTypeName(templateSlug), path: 'root' }
    : { name: workspaceTypeName(orgSlug, templateSlug), path: `root:${orgSlug}` };
}
