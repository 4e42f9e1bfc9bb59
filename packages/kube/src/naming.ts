/**
 * kcp naming: a logical cluster's path is `root:<org>:<team…>:<name>`, each
 * segment a DNS-1123 label. Shared by the console (what to request), the
 * worker (which Workspaces to ensure) and tests.
 */
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
