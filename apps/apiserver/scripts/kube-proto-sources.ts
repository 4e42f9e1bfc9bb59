/**
 * Reading and parsing the generated.proto files of k8s.io/api and
 * k8s.io/apimachinery from git mirrors (no work tree needed), shared by the
 * generators: gen-protobuf.ts (the wire format) and gen-kube-types.ts (the type
 * schema with docs and merge tags).
 */
import { execFileSync } from 'node:child_process';
import protobuf from 'protobufjs';

/** The group/versions of k8s.io/api served by the registry (apiextensions lives elsewhere). */
export const SERVED = [
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
] as const;

export const DEFAULT_API_DIR = '/work/.mirror/kubernetes+api/repo';
export const DEFAULT_MACHINERY_DIR = '/work/.mirror/kubernetes+apimachinery/repo';

export const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

/** A Go named type that is a slice or a map (`type ExtraValue []string`), with a proto message of that name. */
export interface GoCollectionType {
  kind: 'slice' | 'map';
  /** The Go element (value) type as written, e.g. `string`. */
  elem: string;
}

export interface ProtoSources {
  apiDir: string;
  machineryDir: string;
  /** Every parsed message, resolved; comments kept (`comment` of types and fields). */
  root: protobuf.Root;
  /** Import paths of the parsed files (`k8s.io/api/core/v1/generated.proto`), in parse order: the SERVED ones first. */
  files: string[];
  /**
   * Full names (no leading dot) of message fields holding an embedded Go struct whose
   * JSON is inlined into the parent (`json:""` or `json:",inline"`, e.g. Probe.handler,
   * Volume.volumeSource). Unsorted.
   */
  inline: string[];
  /** Full names of non-pointer scalar fields tagged omitempty (their zero value means unset). Unsorted. */
  omitEmpty: string[];
  /** Messages (full name, no leading dot) whose Go type is a named slice or map. */
  goCollections: Map<string, GoCollectionType>;
  /** HEAD commit of a mirror. */
  commit(dir: string): string;
  /** The `_provenance` block of a generated file: which script, when, from which commits and files. */
  provenance(generatedBy: string): { generatedBy: string; date: string; sources: Record<string, { mirror: string; commit: string }>; files: string[] };
}

/** An import path (k8s.io/api/… or k8s.io/apimachinery/…) → the mirror and path inside it. */
function locator(apiDir: string, machineryDir: string) {
  return (importPath: string): [dir: string, path: string] => {
    if (importPath.startsWith('k8s.io/api/')) return [apiDir, importPath.slice('k8s.io/api/'.length)];
    if (importPath.startsWith('k8s.io/apimachinery/')) return [machineryDir, importPath.slice('k8s.io/apimachinery/'.length)];
    throw new Error(`unexpected import ${importPath}`);
  };
}

/** The protobuf package of a generated.proto import path: `k8s.io/api/core/v1/generated.proto` → `k8s.io.api.core.v1`. */
export function protobufPackage(file: string): string {
  return file.replace(/\/generated\.proto$/, '').replaceAll('/', '.');
}

/**
 * Parses the SERVED generated.proto files and everything they import, then scans the
 * types.go next to each for what the proto cannot tell: inlined embedded structs,
 * omitempty scalars and named slice/map types.
 */
export function readProtoSources(apiDir = DEFAULT_API_DIR, machineryDir = DEFAULT_MACHINERY_DIR): ProtoSources {
  const locate = locator(apiDir, machineryDir);
  const root = new protobuf.Root();
  const seen = new Set<string>();
  const queue: string[] = SERVED.map((gv) => `k8s.io/api/${gv}/generated.proto`);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const [dir, path] = locate(file);
    const parsed = protobuf.parse(git(dir, 'show', `HEAD:${path}`), root, { keepCase: true, alternateCommentMode: true });
    queue.push(...(parsed.imports ?? []), ...(parsed.weakImports ?? []));
  }
  root.resolveAll();

  const inline: string[] = [];
  const omitEmpty: string[] = [];
  const goCollections = new Map<string, GoCollectionType>();
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
      const collection = /^type (\w+) (?:\[\]([\w.*]+)|map\[[\w.]+\]([\w.*]+))\s*$/.exec(line);
      if (collection && root.lookup(`${pkg.fullName}.${collection[1]}`) instanceof protobuf.Type) {
        goCollections.set(`${pkg.fullName.slice(1)}.${collection[1]}`, {
          kind: collection[2] ? 'slice' : 'map',
          elem: (collection[2] ?? collection[3])!,
        });
      }
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

  return {
    apiDir,
    machineryDir,
    root,
    files: [...seen],
    inline,
    omitEmpty,
    goCollections,
    commit: (dir) => git(dir, 'rev-parse', 'HEAD').trim(),
    provenance: (generatedBy) => ({
      generatedBy,
      date: new Date().toISOString(),
      sources: {
        'k8s.io/api': { mirror: apiDir, commit: git(apiDir, 'rev-parse', 'HEAD').trim() },
        'k8s.io/apimachinery': { mirror: machineryDir, commit: git(machineryDir, 'rev-parse', 'HEAD').trim() },
      },
      files: [...seen].sort(),
    }),
  };
}
