import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `next build` takes tens of seconds, so `npm start` rebuilds the console only
 * when its inputs changed: a fingerprint of every source file's path, size and
 * mtime under the console and the packages it compiles in.
 */
const SKIP = new Set(['node_modules', '.next', 'test-results', '.turbo']);

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) {
      const s = fs.statSync(full);
      out.push(`${full}:${s.size}:${s.mtimeMs}`);
    }
  }
}

export function consoleFingerprint(root: string): string {
  const files: string[] = [];
  walk(path.join(root, 'apps/console'), files);
  walk(path.join(root, 'packages'), files);
  files.sort();
  return createHash('sha256').update(files.join('\n')).digest('hex');
}

const stampFile = (root: string) => path.join(root, 'apps/console/.next/atrium-build-fingerprint');

export function consoleBuildIsCurrent(root: string): boolean {
  try {
    return fs.readFileSync(stampFile(root), 'utf8') === consoleFingerprint(root);
  } catch {
    return false;
  }
}

export function markConsoleBuilt(root: string, fingerprint: string): void {
  fs.writeFileSync(stampFile(root), fingerprint);
}
