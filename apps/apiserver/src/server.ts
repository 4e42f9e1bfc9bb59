import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { createLogger, type Logger } from '@atrium/config';
import pg from 'pg';
import YAML from 'yaml';
import { limitRanger, namespaceLifecycle, objectCountCap, resourceQuota } from './admission/builtin.js';
import { AdmissionChain } from './admission/chain.js';
import { guardrails } from './admission/guardrails.js';
import { AdmissionLookupCache } from './admission/lookup-cache.js';
import { rbacEscalation } from './admission/rbac-escalation.js';
import type { MutatingAdmissionPlugin, ValidatingAdmissionPlugin } from './admission/types.js';
import {
  AGGREGATED_DISCOVERY_TYPE,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregatedDiscovery,
} from './api/discovery.js';
import { openApiGroupVersion, openApiRoot } from './api/openapi.js';
import { patchTypeOf } from './api/patch.js';
import { type ResourceRequest, RestHandler } from './api/rest.js';
import { toTable, wantsTable } from './api/table.js';
import { serveWatch } from './api/watch.js';
import { APIBindingController, apisAdmission } from './apis/controller.js';
import { Authenticator, mayUseCluster, SYSTEM_MASTERS, type UserInfo } from './auth/authn.js';
import { impersonate } from './auth/impersonation.js';
import { RbacAuthorizer } from './auth/rbac.js';
import { NamespaceController } from './controllers/namespace-controller.js';
import { CostAdmission } from './cost/cost-admission.js';
import { CrdController, crdValidation } from './crd/controller.js';
import { decodeKubernetesProtobuf, encodeResponseProtobuf, PROTOBUF, wantsProtobuf } from './http/protobuf.js';
import { ApiError, errors } from './http/status.js';
import { ensureTlsMaterial } from './http/tls.js';
import { ClusterResources, ResourceRegistry } from './registry/registry.js';
import { ClusterDirectory, type LogicalCluster } from './storage/clusters.js';
import { migrateApiserverSchema } from './storage/migrate.js';
import { Store } from './storage/store.js';
import { WatchHub } from './storage/watch-hub.js';
import { workspaceAdmission } from './tenancy/admission.js';
import { type InitializerHook, WorkspaceController } from './tenancy/controller.js';
import { WorkspaceTypeResolver } from './tenancy/workspace-types.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
const KUBE_VERSION = {
  major: '1',
  minor: '35',
  gitVersion: 'v1.35.0+atrium',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.25.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface ApiServerOptions {
  databaseUrl: string;
  adminToken: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  logger?: Logger;
  /** Connections in the request pool (the watch listener uses one more). */
  poolSize?: number;
  /** Revisions kept behind the newest before compaction (watch resume window). */
  compactionWindow?: number;
  /** How often compaction runs; 0 disables the timer. */
  compactionIntervalMs?: number;
  bookmarkIntervalMs?: number;
  /** How long a deleted namespace keeps its contents before the namespace controller deletes them (default 1000 ms). */
  namespaceGraceMs?: number;
  /** Per-logical-cluster object cap (admission). */
  maxObjectsPerCluster?: number;
  /**
   * Also serve HTTPS on the same port (the first byte tells TLS from plain
   * HTTP). kubectl sends bearer tokens only over TLS, so real kubectl needs
   * this; the CA is kept in `dir` when given, else generated per start.
   */
  tls?: { dir?: string; hosts?: string[] };
  /** Extra admission plugins, run after the built-in ones (policy, cost). */
  admission?: { mutating?: MutatingAdmissionPlugin[]; validating?: ValidatingAdmissionPlugin[] };
  /**
   * Server-side Workspace initializers by name (`<type path>:<type name>`, as
   * kcp names them): a WorkspaceType with `initializer: true` holds new
   * Workspaces in Initializing until its hook (or an external client) removes it.
   */
  initializers?: Record<string, InitializerHook>;
  /** The base URL clients use (Workspace `spec.URL`); default: the https URL when TLS is on, else the http URL. */
  externalUrl?: string;
  /**
   * Cost admission (prices every write to an Atrium logical cluster, enforces budgets).
   * On by default when the database holds Atrium's tables; `false` turns it off (benchmarks).
   */
  cost?: false | { cacheTtlMs?: number };
}

export interface ApiServer {
  url: string;
  /** `https://…` on the same port, when TLS is on. */
  httpsUrl?: string;
  /** The CA that signed the serving certificate, when TLS is on. */
  caPem?: string;
  close(): Promise<void>;
  /** Internals for the CLI, tests and later issues (Workspaces, CRDs). */
  store: Store;
  clusters: ClusterDirectory;
  registry: ResourceRegistry;
  pool: pg.Pool;
  hub: WatchHub;
  rest: RestHandler;
  workspaces: WorkspaceController;
  crds: CrdController;
  bindings: APIBindingController;
  lookups: AdmissionLookupCache;
  compact(toRv: number): Promise<number>;
}

type Route =
  | { kind: 'version' }
  | { kind: 'openapi-v3-root' }
  | { kind: 'openapi-v3'; group: string; version: string }
  | { kind: 'openapi-v2' }
  | { kind: 'api-root' }
  | { kind: 'apis-root' }
  | { kind: 'group'; group: string }
  | { kind: 'group-version'; group: string; version: string }
  | { kind: 'resource'; group: string; version: string; plural: string; namespace?: string; name?: string; subresource?: string };

/** Splits `/clusters/<path>/rest` into the cluster selector and the Kubernetes path. */
function splitCluster(pathname: string): { cluster: string; rest: string } {
  if (pathname.startsWith('/clusters/')) {
    const end = pathname.indexOf('/', 10);
    const cluster = decodeURIComponent(end < 0 ? pathname.slice(10) : pathname.slice(10, end));
    return { cluster, rest: end < 0 ? '/' : pathname.slice(end) };
  }
  return { cluster: 'root', rest: pathname };
}

function route(rest: string): Route | undefined {
  const parts = rest
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  if (parts[0] === 'version' && parts.length === 1) return { kind: 'version' };
  if (parts[0] === 'openapi') {
    if (parts[1] === 'v2' && parts.length === 2) return { kind: 'openapi-v2' };
    if (parts[1] === 'v3') {
      if (parts.length === 2) return { kind: 'openapi-v3-root' };
      if (parts[2] === 'api' && parts.length === 4) return { kind: 'openapi-v3', group: '', version: parts[3]! };
      if (parts[2] === 'apis' && parts.length === 5) return { kind: 'openapi-v3', group: parts[3]!, version: parts[4]! };
    }
    return undefined;
  }
  let group: string;
  let version: string;
  let tail: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api-root' };
    group = '';
    version = parts[1]!;
    tail = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis-root' };
    if (parts.length === 2) return { kind: 'group', group: parts[1]! };
    group = parts[1]!;
    version = parts[2]!;
    tail = parts.slice(3);
  } else {
    return undefined;
  }
  if (tail.length === 0) return { kind: 'group-version', group, version };
  // namespaces/<ns>/<plural>/... is a namespaced resource; namespaces/<name>[/status|finalize] is the Namespace itself.
  if (tail[0] === 'namespaces' && tail.length >= 3 && !(group === '' && tail.length === 3 && (tail[2] === 'status' || tail[2] === 'finalize'))) {
    const [, namespace, plural, name, subresource, ...extra] = tail;
    if (extra.length > 0) return undefined;
    return { kind: 'resource', group, version, plural: plural!, namespace: namespace!, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
  }
  const [plural, name, subresource, ...extra] = tail;
  if (extra.length > 0) return undefined;
  return { kind: 'resource', group, version, plural: plural!, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw errors.tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw errors.tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  const yaml = type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'text/yaml';
  if (yaml) {
    try {
      const docs = YAML.parseAllDocuments(text);
      if (docs.length !== 1) throw errors.badRequest('the request body must hold exactly one YAML document');
      const doc = docs[0]!;
      if (doc.errors.length > 0) throw errors.badRequest(`error converting YAML to JSON: ${doc.errors[0]!.message}`);
      return doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
    }
  }
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(raw);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't decode the request body as JSON: ${(e as Error).message}`);
  }
}

/** The Prisma-migrated Atrium schema is present (the API server can also run on a bare database). */
async function hasAtriumSchema(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ present: boolean }>(`select to_regclass('public."ObjectPrice"') is not null as present`);
  return rows[0]?.present === true;
}

const VERB_BY_METHOD: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/**
 * Starts the kcp-compatible API server: migrates its schema, starts the
 * watch hub, listens. Plain HTTP (TLS terminates in front of it, or comes later).
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const logger = options.logger ?? createLogger('apiserver');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 16 });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  const migrationClient = await pool.connect();
  try {
    await migrateApiserverSchema(migrationClient);
  } finally {
    migrationClient.release();
  }
  const store = new Store(pool);
  const clusters = new ClusterDirectory(pool, store);
  await clusters.ensureRoot();
  const registry = new ResourceRegistry();
  const hub = new WatchHub(options.databaseUrl, store, logger);
  const authenticator = new Authenticator(pool, options.adminToken);
  const rbac = new RbacAuthorizer(store);
  hub.tokenInvalidations.add((hash) => authenticator.invalidate(hash));
  hub.eventListeners.add((event) => {
    if (event.resource.endsWith('.rbac.authorization.k8s.io')) rbac.invalidate(event.cluster);
  });
  await hub.start();
  const workspaceTypes = new WorkspaceTypeResolver(store, clusters);
  const cost = options.cost !== false && (await hasAtriumSchema(pool)) ? new CostAdmission({ pool, store, clusters, logger, ...options.cost }) : undefined;
  if (options.cost !== false && !cost) logger.warn('no Atrium tables in this database: cost admission is off');
  const admission = new AdmissionChain(
    [limitRanger, workspaceAdmission({ clusters, types: workspaceTypes, rbac }), apisAdmission({ clusters, rbac })],
    [namespaceLifecycle, guardrails, rbacEscalation(rbac), crdValidation, resourceQuota, objectCountCap(options.maxObjectsPerCluster ?? 50_000)],
  )
    .with(options.admission ?? {})
    // Last: it prices the final object and reserves budget only for writes every other plugin admitted.
    .with({ validating: cost ? [cost.plugin] : [] });
  const lookups = new AdmissionLookupCache(store, hub, clusters);
  const namespaces: NamespaceController = new NamespaceController({
    store,
    hub,
    clusters,
    logger,
    finalize: (cluster, namespace): Promise<boolean> => rest.finalizeNamespace(cluster, namespace),
    ...(options.namespaceGraceMs !== undefined ? { graceMs: options.namespaceGraceMs } : {}),
  });
  const rest: RestHandler = new RestHandler(store, clusters, admission, rbac, logger, { lookups, namespaces, ...(cost ? { systemWrites: cost } : {}) });
  await namespaces.start();
  const crds = new CrdController({ store, registry, hub, logger, remove: (key, rv, value) => rest.removeStored(key, rv, value) });
  await crds.start();
  const bindings = new APIBindingController({ store, clusters, registry, hub, logger });
  await bindings.start();
  const watchOptions = { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000, maxTimeoutSeconds: 1800 };

  async function authorizeCluster(user: UserInfo, selector: string): Promise<LogicalCluster | null> {
    if (selector === '*') {
      if (!user.wildcard) throw errors.forbidden(`User "${user.name}" cannot access wildcard logical cluster requests`);
      return null;
    }
    const cluster = await clusters.resolve(selector);
    // Unknown and not-allowed look the same to a user token: no existence oracle.
    if (!cluster || !mayUseCluster(user, cluster)) {
      if (user.clusters === null) throw errors.notFoundPath(`logical cluster "${selector}" not found`);
      throw errors.forbidden(`User "${user.name}" cannot access logical cluster "${selector}"`);
    }
    return cluster;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://apiserver');
    const method = req.method ?? 'GET';
    const reply = (status: number, body: unknown, contentType = 'application/json') => {
      const protobufBody = typeof body !== 'string' && wantsProtobuf(req.headers.accept) ? encodeResponseProtobuf(body) : undefined;
      const payload = protobufBody ?? (typeof body === 'string' ? body : JSON.stringify(body));
      res.writeHead(status, { 'Content-Type': protobufBody ? PROTOBUF : contentType, 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (url.pathname === '/healthz' || url.pathname === '/readyz' || url.pathname === '/livez') return reply(200, 'ok', 'text/plain; charset=utf-8');
    if (url.pathname === '/version') return reply(200, KUBE_VERSION);

    const user = await authenticator.authenticate(req.headers.authorization);
    if (!user) throw errors.unauthorized();
    // An APIExport's view (kcp's virtual workspace): its bound resources across every binding
    // (`/services/apiexport/<path>/<export>/clusters/*/…`), for wildcard (system) identities only.
    let pathname = url.pathname;
    let exportView: ClusterResources | undefined;
    const view = /^\/services\/apiexport\/([^/]+)\/([^/]+)(\/clusters\/.*)$/.exec(pathname);
    if (view) {
      if (!user.wildcard) throw errors.forbidden(`User "${user.name}" cannot use APIExport views`);
      const types = await bindings.exportTypes(decodeURIComponent(view[1]!), decodeURIComponent(view[2]!));
      if (!types) throw errors.notFoundPath(`APIExport ${view[1]}:${view[2]} not found`);
      exportView = new ClusterResources(types);
      pathname = view[3]!;
    }
    const { cluster: selector, rest: restPath } = splitCluster(pathname);
    const r = route(restPath);
    if (!r) throw errors.notFoundPath();
    if (exportView && selector !== '*') throw errors.notFoundPath('APIExport views serve /clusters/* only');
    const cluster = await authorizeCluster(user, selector);
    // Impersonate-* headers: each needs the `impersonate` verb; the request then runs as the impersonated identity.
    const actor = await impersonate(user, req.headersDistinct, (a) => (cluster ? rbac.allowed(user, cluster.name, a) : Promise.resolve(false)));
    const resources = exportView ?? (cluster ? registry.forCluster(cluster.name) : registry.builtins());
    if (r.kind !== 'resource' && method !== 'GET') throw errors.methodNotAllowed(`${method} is not supported on ${restPath}`);
    const accept = req.headers.accept;
    const serverAddress = `${req.headers.host ?? ''}`;

    switch (r.kind) {
      case 'version':
        return reply(200, KUBE_VERSION);
      case 'openapi-v2':
        throw errors.notFoundPath('OpenAPI v2 is not served; use /openapi/v3');
      case 'openapi-v3-root':
        return reply(200, openApiRoot(resources));
      case 'openapi-v3': {
        if (!resources.groups().get(r.group)?.includes(r.version)) throw errors.notFoundPath();
        return reply(200, openApiGroupVersion(resources, r.group, r.version));
      }
      case 'api-root':
        if (wantsAggregatedDiscovery(accept)) return reply(200, aggregatedDiscovery(resources, true), AGGREGATED_DISCOVERY_TYPE);
        return reply(200, apiVersions(serverAddress));
      case 'apis-root':
        if (wantsAggregatedDiscovery(accept)) return reply(200, aggregatedDiscovery(resources, false), AGGREGATED_DISCOVERY_TYPE);
        return reply(200, apiGroupList(resources));
      case 'group': {
        const doc = apiGroupDocument(resources, r.group);
        if (!doc) throw errors.notFoundPath();
        return reply(200, doc);
      }
      case 'group-version': {
        if (!resources.groups().get(r.group)?.includes(r.version)) throw errors.notFoundPath();
        return reply(200, apiResourceList(resources, r.group, r.version));
      }
      case 'resource':
        break;
    }

    const type = resources.lookup(r.group, r.version, r.plural);
    if (!type) throw errors.notFoundPath(`the server could not find the requested resource (${r.group ? `${r.plural}.${r.group}` : r.plural})`);
    if (r.namespace !== undefined && !type.namespaced) throw errors.notFoundPath(`${type.plural} is not a namespaced resource`);
    if (r.subresource && !((r.subresource === 'status' && type.status) || (r.subresource === 'scale' && type.scale))) {
      throw errors.notFoundPath(`the server could not find the requested resource (${type.plural}/${r.subresource})`);
    }
    const query = url.searchParams;
    const watching = method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1');
    let verb: string;
    if (method === 'GET') verb = r.name ? 'get' : watching ? 'watch' : 'list';
    else if (method === 'DELETE' && !r.name) verb = 'deletecollection';
    else verb = VERB_BY_METHOD[method] ?? '';
    if (!verb) throw errors.methodNotAllowed(`${method} is not supported`);
    if (!type.verbs.includes(verb)) throw errors.methodNotAllowed(`${verb} is not supported on ${type.plural}`);
    if (r.name && method === 'POST') throw errors.methodNotAllowed(`POST is not supported on a named ${type.kind}`);
    if (!r.name && (method === 'PUT' || method === 'PATCH')) throw errors.methodNotAllowed(`${method} needs an object name`);
    if (cluster === null && !['list', 'watch'].includes(verb)) throw errors.methodNotAllowed('wildcard requests only list and watch');

    if (cluster && !actor.groups.includes(SYSTEM_MASTERS)) {
      const namespace = type.namespaced ? r.namespace : undefined;
      const allowed = await rbac.allowed(actor, cluster.name, {
        verb,
        group: type.group,
        resource: type.plural,
        ...(r.subresource ? { subresource: r.subresource } : {}),
        ...(namespace ? { namespace } : {}),
        ...(r.name ? { name: r.name } : {}),
      });
      if (!allowed) {
        const scope = namespace ? ` in the namespace "${namespace}"` : type.namespaced ? '' : ' at the cluster scope';
        throw errors.forbidden(
          `${type.plural}${type.group ? `.${type.group}` : ''}${r.name ? ` "${r.name}"` : ''} is forbidden: User "${actor.name}" cannot ${verb} resource "${type.plural}${r.subresource ? `/${r.subresource}` : ''}" in API group "${type.group}"${scope}`,
        );
      }
    }

    const request: ResourceRequest = {
      cluster,
      user: actor,
      resources,
      type,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      ...(r.name !== undefined ? { name: r.name } : {}),
      ...(r.subresource !== undefined ? { subresource: r.subresource } : {}),
      query,
      warnings: [],
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    // The replica that took a CRD write serves the new types before it answers (others follow via watch events).
    const isCrd = type.group === 'apiextensions.k8s.io' && type.plural === 'customresourcedefinitions';
    const isBinding = type.group === 'apis.kcp.io' && type.plural === 'apibindings';
    const respond = async (status: number, body: unknown) => {
      if (isCrd && cluster && !['get', 'list', 'watch'].includes(verb)) await crds.sync(cluster.name);
      if ((isCrd || isBinding) && cluster && !['get', 'list', 'watch'].includes(verb)) await bindings.sync(cluster.name);
      for (const w of request.warnings) res.appendHeader('Warning', `299 - "${w.replaceAll('"', "'")}"`);
      reply(status, body);
    };

    if (verb === 'watch') return serveWatch(request, res, hub, rest, watchOptions, accept);
    if (verb === 'list') {
      const listed = await rest.list(request);
      if (wantsTable(accept)) return respond(200, toTable(type, listed.items, listed.metadata, query.get('includeObject')));
      return respond(200, {
        apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
        kind: type.listKind,
        metadata: listed.metadata,
        items: listed.items,
      });
    }
    if (verb === 'get') {
      const got = await rest.get(request);
      if (wantsTable(accept) && !r.subresource) {
        const obj = got.body as Parameters<typeof toTable>[1][number];
        return respond(200, toTable(type, [obj], { resourceVersion: obj.metadata?.resourceVersion }, query.get('includeObject')));
      }
      return respond(got.status, got.body);
    }

    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    if (verb === 'patch') {
      const patchType = patchTypeOf(contentType ?? '');
      if (!patchType) throw errors.unsupportedMediaType(contentType ?? '');
      const body = parseBody(raw, patchType === 'apply' ? 'application/apply-patch+yaml' : 'application/json');
      const done = await rest.patch(request, patchType, body);
      return respond(done.status, done.body);
    }
    const body = parseBody(raw, contentType);
    switch (verb) {
      case 'create': {
        if (type.virtual) {
          const done = await rest.selfSubjectAccessReview(request, body);
          return respond(done.status, done.body);
        }
        const done = await rest.create(request, body);
        return respond(done.status, done.body);
      }
      case 'update': {
        const done = await rest.update(request, body);
        return respond(done.status, done.body);
      }
      case 'delete': {
        const done = await rest.delete(request, body);
        return respond(done.status, done.body);
      }
      case 'deletecollection': {
        const done = await rest.deleteCollection(request, body);
        return respond(done.status, done.body);
      }
    }
    throw errors.methodNotAllowed(`${verb} is not supported`);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      let error: ApiError;
      if (e instanceof ApiError) error = e;
      else {
        logger.error({ err: e, method: req.method, url: req.url }, 'request failed');
        error = new ApiError(500, 'InternalError', 'Internal error occurred: the server could not complete the request');
      }
      if (res.headersSent) {
        res.end();
        return;
      }
      const protobufStatus = wantsProtobuf(req.headers.accept) ? encodeResponseProtobuf(error.toStatus()) : undefined;
      const payload = protobufStatus ?? JSON.stringify(error.toStatus());
      // Drain an unread body so the client sees the status instead of a reset.
      req.resume();
      res.writeHead(error.code, { 'Content-Type': protobufStatus ? PROTOBUF : 'application/json', 'Content-Length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  };
  const httpServer = http.createServer(onRequest);
  httpServer.keepAliveTimeout = 65_000;
  const material = options.tls ? await ensureTlsMaterial([options.host, ...(options.tls.hosts ?? [])], options.tls.dir) : undefined;
  const httpsServer = material ? https.createServer({ cert: material.certPem, key: material.keyPem }, onRequest) : undefined;
  if (httpsServer) httpsServer.keepAliveTimeout = 65_000;
  // With TLS on, one port serves both: a TLS handshake starts with byte 0x16.
  const sockets = new Set<net.Socket>();
  const listener: net.Server = httpsServer
    ? net.createServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.once('data', (first: Buffer) => {
          socket.pause();
          socket.unshift(first);
          (first[0] === 0x16 ? httpsServer : httpServer).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
        socket.on('error', () => socket.destroy());
      })
    : httpServer;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => resolve());
  });
  const address = listener.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const httpsUrl = material ? `https://${host}:${address.port}` : undefined;
  const workspaces = new WorkspaceController({
    store,
    clusters,
    hub,
    types: workspaceTypes,
    logger,
    baseUrl: options.externalUrl ?? httpsUrl ?? url,
    initializers: options.initializers ?? {},
    bindings,
  });
  await workspaces.start();

  const compactionWindow = options.compactionWindow ?? 100_000;
  const compactionTimer =
    (options.compactionIntervalMs ?? 60_000) > 0
      ? setInterval(() => {
          void store
            .currentRv()
            .then((rv) => (rv > compactionWindow ? store.compact(rv - compactionWindow) : 0))
            .catch((err) => logger.warn({ err }, 'compaction failed'));
        }, options.compactionIntervalMs ?? 60_000)
      : undefined;
  compactionTimer?.unref();
  logger.info({ url }, 'apiserver listening');

  return {
    url,
    ...(material && httpsUrl ? { httpsUrl, caPem: material.caPem } : {}),
    store,
    clusters,
    registry,
    pool,
    hub,
    rest,
    workspaces,
    crds,
    bindings,
    lookups,
    compact: (toRv) => store.compact(toRv),
    async close() {
      if (compactionTimer) clearInterval(compactionTimer);
      await workspaces.stop();
      namespaces.stop();
      await crds.stop();
      await bindings.stop();
      await hub.stop();
      await new Promise<void>((resolve) => {
        listener.close(() => resolve());
        httpServer.closeAllConnections();
        httpsServer?.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      await pool.end();
    },
  };
}
