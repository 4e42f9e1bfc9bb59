/**
 * Regenerates src/http/kube-proto.json, the protobufjs descriptor of the
 * Kubernetes wire format for the API groups this server serves, from the
 * generated.proto files of k8s.io/api and k8s.io/apimachinery (read from git
 * mirrors, no work tree needed; see kube-proto-sources.ts).
 *
 *   npx tsx apps/apiserver/scripts/gen-protobuf.ts [kubernetes-api-git-dir] [apimachinery-git-dir] [out.json]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_API_DIR, DEFAULT_MACHINERY_DIR, readProtoSources } from './kube-proto-sources.js';

const here = dirname(fileURLToPath(import.meta.url));
const apiDir = process.argv[2] ?? DEFAULT_API_DIR;
const machineryDir = process.argv[3] ?? DEFAULT_MACHINERY_DIR;
const out = process.argv[4] ?? join(here, '../src/http/kube-proto.json');

/**
 * The proto cannot tell which message fields are embedded Go structs inlined into
 * the parent's JSON (Probe.handler, Volume.volumeSource), nor which scalars are
 * non-pointer and omitempty (zero on the wire = absent in JSON): the struct tags
 * of the types.go next to each generated.proto name them.
 */
const { root, files, inline, omitEmpty, provenance } = readProtoSources(apiDir, machineryDir);

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
  _provenance: provenance('npx tsx apps/apiserver/scripts/gen-protobuf.ts'),
  inline: [...inline].sort(),
  omitEmpty: [...omitEmpty].sort(),
  ...(strip(root.toJSON()) as Record<string, unknown>),
};
writeFileSync(out, `${JSON.stringify(descriptor, null, 2)}\n`);
console.log(`wrote ${out} (${files.length} proto files)`);
