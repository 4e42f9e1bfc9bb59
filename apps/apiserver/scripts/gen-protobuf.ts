/**
 * Regenerates src/http/kube-proto.json, the protobufjs descriptor of the
 * Kubernetes wire format for the API groups this server serves, from the
 * generated.proto files of k8s.io/api and k8s.io/apimachinery (read from git
 * mirrors, no work tree needed).
 *
 *   npx tsx apps/apiserver/scripts/gen-protobuf.ts [kubernetes-api-git-dir] [apimachinery-git-dir] [out.json]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const apiDir = process.argv[2] ?? '/work/.mirror/kubernetes+api/repo';
const machineryDir = process.argv[3] ?? '/work/.mirror/kubernetes+apimachinery/repo';
const out = process.argv[4] ?? join(here, '../src/http/kube-proto.json');

/** The group/versions of k8s.io/api served by the registry (apiextensions lives elsewhere). */
const SERVED = [
  'core/v1',
  'apps/v1',
  'batch/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'networking/v1',
  'rbac/v1',
  'policy/v1',
  'scheduling/v1',
  'coordination/v1',
  'discovery/v1',
  'authorization/v1',
];

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

/** An import path (k8s.io/api/… or k8s.io/apimachinery/…) → the mirror and path inside it. */
function locate(importPath: string): [dir: string, path: string] {
  if (importPath.startsWith('k8s.io/api/')) return [apiDir, importPath.slice('k8s.io/api/'.length)];
  if (importPath.startsWith('k8s.io/apimachinery/')) return [machineryDir, importPath.slice('k8s.io/apimachinery/'.length)];
  throw new Error(`unexpected import ${importPath}`);
}

const root = new protobuf.Root();
const seen = new Set<string>();
const queue = SERVED.map((gv) => `k8s.io/api/${gv}/generated.proto`);
while (queue.length > 0) {
  const file = queue.shift()!;
  if (seen.has(file)) continue;
  seen.add(file);
  const [dir, path] = locate(file);
  const parsed = protobuf.parse(git(dir, 'show', `HEAD:${path}`), root, { keepCase: true });
  queue.push(...(parsed.imports ?? []), ...(parsed.weakImports ?? []));
}
root.resolveAll();

/**
 * Embedded Go structs whose JSON is inlined into the parent (`json:""` or
 * `json:",inline"`, e.g. Probe.handler, Volume.volumeSource) appear in the proto
 * as an ordinary message field; the proto cannot tell, so the struct tags of the
 * types.go next to each generated.proto name them. The same tags tell which
 * scalar fields are non-pointer and omitempty (zero on the wire = absent in JSON).
 */
const inline: string[] = [];
/** Non-pointer scalar fields tagged omitempty (their zero value means unset). */
const omitEmpty: string[] = [];
for (const file of seen) {
  const [dir, path] = locate(file);
  const pkg = root.lookup(protobufPackage(file));
  if (!pkg) continue;
  let types: string;
  try {
    types = execFileSync('git', ['-C', dir, 'show', `HEAD:${path.replace(/generated\.proto$/, 'types.go')}`], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    continue;
  }
  let struct = '';
  for (const line of types.split('\n')) {
    const start = /^type (\w+) struct \{/.exec(line);
    if (start) struct = start[1]!;
    // A non-pointer scalar with omitempty: Go sends its zero value on the wire but leaves it out of JSON.
    const scalar = /^\t\w+\s+([\w.]+)\s+`json:"\w+,[^"]*\bomit(?:empty|zero)\b[^"]*" protobuf:"\w+,(\d+),/.exec(line);
    const owner = scalar && struct ? root.lookup(`${pkg.fullName}.${struct}`) : null;
    const scalarField = owner instanceof protobuf.Type ? owner.fieldsById[Number(scalar![2])] : undefined;
    if (scalarField && !scalarField.resolvedType && !scalarField.repeated && !scalarField.map) omitEmpty.push(scalarField.fullName.slice(1));
    const embedded = /^\t[\w.]+ `json:"(?:,inline)?(?:,omitempty)?" protobuf:"bytes,(\d+),/.exec(line);
    const message = embedded && struct ? root.lookup(`${pkg.fullName}.${struct}`) : null;
    const field = message instanceof protobuf.Type ? message.fieldsById[Number(embedded![1])] : undefined;
    if (field) inline.push(field.fullName.slice(1));
  }
}

function protobufPackage(file: string): string {
  const [, path] = locate(file);
  return (file.startsWith('k8s.io/api/') ? `k8s.io.api.${path}` : `k8s.io.apimachinery.${path}`).replace(/\/generated\.proto$/, '').replaceAll('/', '.');
}

/** Drops options and comments: only message shapes and field numbers matter for decoding. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const outNode: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'options' || k === 'comment') continue;
    outNode[k] = strip(v);
  }
  return outNode;
}

const descriptor = {
  _provenance: {
    generatedBy: 'npx tsx apps/apiserver/scripts/gen-protobuf.ts',
    date: new Date().toISOString(),
    sources: {
      'k8s.io/api': { mirror: apiDir, commit: git(apiDir, 'rev-parse', 'HEAD').trim() },
      'k8s.io/apimachinery': { mirror: machineryDir, commit: git(machineryDir, 'rev-parse', 'HEAD').trim() },
    },
    files: [...seen].sort(),
  },
  inline: inline.sort(),
  omitEmpty: omitEmpty.sort(),
  ...(strip(root.toJSON()) as Record<string, unknown>),
};
writeFileSync(out, `${JSON.stringify(descriptor, null, 2)}\n`);
console.log(`wrote ${out} (${seen.size} proto files)`);
