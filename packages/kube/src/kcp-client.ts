import http from 'node:http';
import https from 'node:https';
import { ApiException, KubeConfig, type KubernetesObject, KubernetesObjectApi, type V1APIResource } from '@kubernetes/client-node';
import { z } from 'zod';
import { buildKubeconfig } from './kubeconfig.js';
import { clusterUrl } from './naming.js';

/**
 * The worker's and console's only way to the backend: the kcp API over HTTP
 * with @kubernetes/client-node, one client per logical-cluster path. Works the
 * same against Atrium's embedded API server and a real kcp.
 */
export interface KcpConnection {
  /** Base URL of the server, without /clusters/… */
  server: string;
  token: string;
  /** PEM of the CA that signed the server's certificate, when it is not a public one. */
  caPem?: string;
}

export const TENANCY_API_VERSION = 'tenancy.kcp.io/v1alpha1';

/** The parts of a kcp Workspace that Atrium reads; everything else passes through. */
export const workspaceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal('Workspace'),
  metadata: z.looseObject({
    name: z.string(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    // client-node turns timestamps into Date objects; Atrium only checks presence.
    deletionTimestamp: z.unknown().optional(),
  }),
  spec: z
    .looseObject({
      type: z.looseObject({ name: z.string(), path: z.string().optional() }).optional(),
      cluster: z.string().optional(),
      URL: z.string().optional(),
    })
    .optional(),
  status: z.looseObject({ phase: z.string().optional() }).optional(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export interface WorkspaceSpecInput {
  name: string;
  type?: { name: string; path?: string };
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A core/v1 Event as Atrium reads it back (client-node turns timestamps into Date objects). */
export const kubeEventSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), labels: z.record(z.string(), z.string()).optional() }),
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  count: z.number().optional(),
  firstTimestamp: z.unknown().optional(),
  lastTimestamp: z.unknown().optional(),
  involvedObject: z.looseObject({ kind: z.string().optional(), name: z.string().optional() }).optional(),
});
export type KubeEvent = z.infer<typeof kubeEventSchema>;

export interface EventInput {
  /** Deterministic per (object, reason): recording the same reason again bumps `count` instead of adding an Event. */
  name: string;
  namespace: string;
  involvedObject: { apiVersion: string; kind: string; name: string; uid?: string; namespace?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** `source.component`, e.g. the reconciler's name. */
  component: string;
  labels?: Record<string, string>;
}

/**
 * RFC 3339 with milliseconds: a server that keeps them (the embedded one does) can order Events of the
 * same second; one that stores `metav1.Time` in whole seconds drops them, which parses just as well.
 */
const kubeTime = (d = new Date()) => d.toISOString();

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiException && err.code === 409;
}

/** A short, single-line description of a failed API call, for status messages. */
export function describeApiError(err: unknown): string {
  if (err instanceof ApiException) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body);
    try {
      const parsed = JSON.parse(body) as { message?: string };
      return `HTTP ${err.code}: ${parsed.message ?? body}`;
    } catch {
      return `HTTP ${err.code}: ${body.slice(0, 300)}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * client-node builds a new https.Agent for every request (a TCP connect and a full TLS handshake each,
 * which on a small machine costs more CPU than the request itself). Every request of one KcpClient goes
 * through one keep-alive agent instead.
 */
class PooledKubeConfig extends KubeConfig {
  constructor(private readonly agent: http.Agent) {
    super();
  }
  override async applySecurityAuthentication(context: Parameters<KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.agent);
  }
}

/**
 * API versions every logical cluster serves alike (built in, not from APIBindings): their discovery
 * answer is shared by the per-path clients, so a new cluster's first create is one round trip, not two.
 */
const BUILT_IN_API_VERSIONS = new Set(['v1', 'rbac.authorization.k8s.io/v1', TENANCY_API_VERSION, 'apis.kcp.io/v1alpha1', 'core.kcp.io/v1alpha1']);

function sharingDiscovery(shared: Map<string, V1APIResource[]>) {
  return class SharedDiscoveryObjectApi extends KubernetesObjectApi {
    override async resource(apiVersion: string, kind: string, options?: Parameters<KubernetesObjectApi['resource']>[2]): Promise<V1APIResource | undefined> {
      const builtIn = BUILT_IN_API_VERSIONS.has(apiVersion);
      const known = builtIn ? shared.get(apiVersion)?.find((r) => r.kind === kind) : undefined;
      if (known) return known;
      const found = await super.resource(apiVersion, kind, options);
      const list = this.apiVersionResourceCache[apiVersion];
      if (builtIn && found && list) shared.set(apiVersion, list.resources);
      return found;
    }

    withNamespaceOf(kc: KubeConfig): this {
      this.setDefaultNamespace(kc);
      return this;
    }
  };
}

/**
 * REST paths of the kinds the provisioning path writes on every cluster, so those calls skip
 * client-node (its ObjectSerializer and fetch layer cost more CPU than the request itself on a
 * small machine). Same URLs and verbs as client-node sends: a real kcp sees no difference.
 * Any other kind goes through client-node and its discovery.
 */
const KNOWN_KINDS: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  'v1/Event': { prefix: 'api/v1', plural: 'events', namespaced: true },
  'v1/LimitRange': { prefix: 'api/v1', plural: 'limitranges', namespaced: true },
  'v1/ConfigMap': { prefix: 'api/v1', plural: 'configmaps', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { prefix: 'apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  [`${TENANCY_API_VERSION}/Workspace`]: { prefix: `apis/${TENANCY_API_VERSION}`, plural: 'workspaces', namespaced: false },
};

type JsonObject = KubernetesObject & Record<string, unknown>;

interface WorkspaceWaiter {
  name: string;
  /** Only states newer than this revision count (the caller has seen this one). */
  afterRv: number;
  until: (ws: Workspace) => boolean;
  onSeen?: (ws: Workspace) => void;
  done: (ws: Workspace | undefined) => void;
}

/** How many recently changed Workspaces a parent's watch remembers for waiters that register after the change streamed past. */
const RECENT_LIMIT = 2048;

/**
 * One watch on the Workspaces of one parent workspace, shared by every caller waiting for a Workspace
 * there (e.g. many clusters of a team provisioning at once): a state change reaches its waiter when the
 * server sends it, instead of after the next poll, and costs no request per waiter. Ends with the server's
 * timeout and is resumed from the last revision seen while anyone waits.
 *
 * Why a waiter never sees a state older than the one it already has: it passes the revision of the state it
 * holds (its create's or read's answer) and only later revisions are delivered. A change that streamed past
 * before the waiter registered is kept in `recent` (latest state per name); when `recent` may have dropped it
 * (evicted, or the stream started after the waiter's revision), the waiter reads the Workspace once instead.
 */
class WorkspaceWatch {
  private readonly waiters = new Set<WorkspaceWaiter>();
  private readonly recent = new Map<string, { rv: number; ws: Workspace }>();
  /** 'streaming': a stream runs; 'restarting': one failed and a retry is scheduled; 'idle': nobody waits. */
  private state: 'idle' | 'streaming' | 'restarting' = 'idle';
  /** Every change after this revision has been or will be streamed (resumed streams continue the same sequence). */
  private coveredFromRv = 0;
  private lastRv = 0;
  /** Changes at or below this revision may be missing from `recent` (evicted). */
  private forgottenRv = 0;

  constructor(
    private readonly open: (query: string) => Promise<http.IncomingMessage>,
    private readonly read: (name: string) => Promise<Workspace | undefined>,
  ) {}

  wait(name: string, known: Workspace, timeoutMs: number, until: (ws: Workspace) => boolean, onSeen?: (ws: Workspace) => void): Promise<Workspace | undefined> {
    const afterRv = Number(known.metadata.resourceVersion);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const waiter: WorkspaceWaiter = { name, afterRv, until, done: (ws) => finish(ws), ...(onSeen ? { onSeen } : {}) };
      const finish = (ws: Workspace | undefined) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        resolve(ws);
      };
      this.waiters.add(waiter);
      if (this.state === 'idle') {
        this.coveredFromRv = afterRv;
        this.start(afterRv);
      } else if (this.state === 'streaming') {
        const seen = this.recent.get(name);
        if (seen && seen.rv > afterRv) this.offer(waiter, seen.ws);
        else if (afterRv < this.coveredFromRv || afterRv <= this.forgottenRv) void this.catchUp(waiter);
      }
      // 'restarting': the restart reads every waiter's Workspace, this one included.
    });
  }

  private offer(waiter: WorkspaceWaiter, ws: Workspace): void {
    waiter.onSeen?.(ws);
    if (waiter.until(ws)) waiter.done(ws);
  }

  /** Changes this waiter needs may have streamed past unseen: one read brings it up to date. */
  private async catchUp(waiter: WorkspaceWaiter): Promise<void> {
    try {
      const ws = await this.read(waiter.name);
      if (ws && this.waiters.has(waiter) && Number(ws.metadata.resourceVersion) > waiter.afterRv) this.offer(waiter, ws);
    } catch {
      // The waiter's timeout answers for it; the caller retries.
    }
  }

  /** A stream of every change after `fromRv`; without one, a re-list: every current Workspace first, as ADDED. */
  private start(fromRv: number | undefined): void {
    this.state = 'streaming';
    void this.stream(fromRv).then(
      (next) => this.restart(next),
      () => this.restart('error'),
    );
  }

  private restart(how: 'resume' | 'relist' | 'error'): void {
    if (this.waiters.size === 0) {
      this.state = 'idle';
      this.recent.clear();
      this.forgottenRv = 0;
      return;
    }
    if (how === 'resume') {
      this.start(this.lastRv);
      return;
    }
    // A new sequence: what `recent` holds no longer covers everything, so anyone who registers later
    // with an older revision reads once (a re-list's ADDED events bring the current waiters up to date).
    this.recent.clear();
    this.coveredFromRv = Number.MAX_SAFE_INTEGER;
    if (how === 'relist') {
      this.start(undefined);
      return;
    }
    // The watch failed (connection, or an answer other than a stream): read each waiter's Workspace and try again.
    this.state = 'restarting';
    setTimeout(() => {
      if (this.state !== 'restarting') return;
      if (this.waiters.size === 0) {
        this.restart('resume');
        return;
      }
      this.coveredFromRv = this.lastRv;
      this.start(this.lastRv);
      for (const waiter of this.waiters) void this.catchUp(waiter);
    }, 100).unref();
  }

  /** Runs one watch request to its end; says how to go on. */
  private async stream(fromRv: number | undefined): Promise<'resume' | 'relist' | 'error'> {
    const timeoutSeconds = 25 + Math.floor(Math.random() * 10);
    const res = await this.open(
      `watch=true&allowWatchBookmarks=true&timeoutSeconds=${timeoutSeconds}${fromRv !== undefined ? `&resourceVersion=${fromRv}` : ''}`,
    );
    if (res.statusCode !== 200) {
      res.resume();
      return res.statusCode === 410 ? 'relist' : 'error';
    }
    let buffered = '';
    let outcome: 'resume' | 'relist' = 'resume';
    for await (const chunk of res as AsyncIterable<Buffer>) {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() && this.event(JSON.parse(line) as { type: string; object: KubernetesObject & { code?: number } }) === 'relist') outcome = 'relist';
      }
    }
    return outcome;
  }

  private event(e: { type: string; object: KubernetesObject & { code?: number } }): 'relist' | undefined {
    if (e.type === 'ERROR') return e.object.code === 410 ? 'relist' : undefined;
    const rv = Number(e.object.metadata?.resourceVersion);
    if (!Number.isSafeInteger(rv)) return undefined;
    this.lastRv = Math.max(this.lastRv, rv);
    if (e.type === 'BOOKMARK' || e.type === 'DELETED') return undefined;
    const parsed = workspaceSchema.safeParse(e.object);
    if (!parsed.success) return undefined;
    const ws = parsed.data;
    const name = ws.metadata.name;
    this.recent.delete(name);
    this.recent.set(name, { rv, ws });
    if (this.recent.size > RECENT_LIMIT) {
      const [oldest, entry] = this.recent.entries().next().value as [string, { rv: number }];
      this.recent.delete(oldest);
      this.forgottenRv = Math.max(this.forgottenRv, entry.rv);
    }
    for (const waiter of this.waiters) if (waiter.name === name && rv > waiter.afterRv) this.offer(waiter, ws);
    return undefined;
  }
}

export class KcpClient {
  private readonly clients = new Map<string, KubernetesObjectApi>();
  // Below the server's keep-alive timeout (65 s here, 90 s in Go's net/http), so an idle socket is
  // closed by us, not reused just as the server drops it.
  private readonly agent: http.Agent;
  private readonly discovery = new Map<string, V1APIResource[]>();
  private readonly ObjectApi: ReturnType<typeof sharingDiscovery>;
  private readonly watches = new Map<string, WorkspaceWatch>();

  constructor(private readonly connection: KcpConnection) {
    const pool = { keepAlive: true, timeout: 30_000, maxSockets: 64 };
    this.agent = connection.server.startsWith('http:')
      ? new http.Agent(pool)
      : new https.Agent({ ...pool, ...(connection.caPem ? { ca: connection.caPem } : {}) });
    this.ObjectApi = sharingDiscovery(this.discovery);
  }

  /** A generic object client bound to one logical cluster. */
  objects(path: string): KubernetesObjectApi {
    let client = this.clients.get(path);
    if (!client) {
      const kc = new PooledKubeConfig(this.agent);
      kc.loadFromString(
        buildKubeconfig({
          server: clusterUrl(this.connection.server, path),
          token: this.connection.token,
          contextName: path.replaceAll(':', '-'),
          ...(this.connection.caPem ? { certificateAuthorityData: Buffer.from(this.connection.caPem).toString('base64') } : {}),
        }),
      );
      client = kc.makeApiClient(this.ObjectApi).withNamespaceOf(kc);
      this.clients.set(path, client);
    }
    return client;
  }

  /**
   * The REST path of `object` (or of its collection) in the logical cluster at `path`, when its kind is one
   * of KNOWN_KINDS; undefined otherwise (the caller uses client-node).
   */
  private restPath(path: string, object: KubernetesObject, item: boolean): string | undefined {
    const kind = KNOWN_KINDS[`${object.apiVersion}/${object.kind}`];
    if (!kind) return undefined;
    const namespace = kind.namespaced ? `/namespaces/${encodeURIComponent(object.metadata?.namespace ?? 'default')}` : '';
    const name = item ? `/${encodeURIComponent(object.metadata?.name ?? '')}` : '';
    return `/clusters/${path}/${kind.prefix}${namespace}/${kind.plural}${name}`;
  }

  /** Where and how a request to `restPath` (below the server URL's own path) goes: the pooled agent, the bearer token. */
  private requestTo(
    method: string,
    restPath: string,
    headers: http.OutgoingHttpHeaders,
  ): { transport: typeof http | typeof https; options: https.RequestOptions } {
    const url = new URL(this.connection.server);
    return {
      transport: url.protocol === 'http:' ? http : https,
      options: {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname.replace(/\/+$/, '')}${restPath}`,
        method,
        agent: this.agent,
        headers: { Accept: 'application/json', Authorization: `Bearer ${this.connection.token}`, ...headers },
      },
    };
  }

  /**
   * One JSON request over the pooled agent. A non-2xx answer throws client-node's ApiException (code and
   * body text), so `isNotFound`, `isConflict` and `describeApiError` treat both paths alike.
   */
  private request(method: 'GET' | 'POST' | 'PUT', restPath: string, body?: unknown): Promise<JsonObject> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const { transport, options } = this.requestTo(
      method,
      restPath,
      payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
    );
    return new Promise((resolve, reject) => {
      const req = transport.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) {
            reject(new ApiException(code, 'Unsuccessful HTTP Request', text, res.headers as Record<string, string>));
            return;
          }
          try {
            resolve(JSON.parse(text) as JsonObject);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Create of a kind in KNOWN_KINDS without client-node; others through it. */
  private create(path: string, object: KubernetesObject): Promise<KubernetesObject> {
    const rest = this.restPath(path, object, false);
    return rest ? this.request('POST', rest, object) : this.objects(path).create(object);
  }

  private read(path: string, object: KubernetesObject): Promise<KubernetesObject> {
    const rest = this.restPath(path, object, true);
    return rest ? this.request('GET', rest) : this.objects(path).read(object as KubernetesObject & { metadata: { name: string } });
  }

  private replace(path: string, object: KubernetesObject): Promise<KubernetesObject> {
    const rest = this.restPath(path, object, true);
    return rest ? this.request('PUT', rest, object) : this.objects(path).replace(object);
  }

  /**
   * Waits until the Workspace `known.metadata.name` in `parentPath` satisfies `until` (undefined after
   * `timeoutMs`), from the shared watch of that parent: states newer than `known` only, each passed to
   * `onSeen` first. Polls instead when `known` has no numeric resourceVersion.
   */
  waitForWorkspace(
    parentPath: string,
    known: Workspace,
    timeoutMs: number,
    until: (ws: Workspace) => boolean,
    onSeen?: (ws: Workspace) => void,
  ): Promise<Workspace | undefined> {
    // Revisions are compared as numbers (etcd revisions in kcp, the store's revision here); anything else is polled.
    if (!/^\d+$/.test(known.metadata.resourceVersion ?? '')) return this.pollWorkspace(parentPath, known.metadata.name, timeoutMs, until, onSeen);
    let watch = this.watches.get(parentPath);
    if (!watch) {
      const collection = `/clusters/${parentPath}/apis/${TENANCY_API_VERSION}/workspaces`;
      watch = new WorkspaceWatch(
        (query) => this.openStream(`${collection}?${query}`),
        (name) => this.getWorkspace(parentPath, name),
      );
      this.watches.set(parentPath, watch);
    }
    return watch.wait(known.metadata.name, known, timeoutMs, until, onSeen);
  }

  private async pollWorkspace(
    parentPath: string,
    name: string,
    timeoutMs: number,
    until: (ws: Workspace) => boolean,
    onSeen?: (ws: Workspace) => void,
  ): Promise<Workspace | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      const ws = await this.getWorkspace(parentPath, name);
      if (ws) onSeen?.(ws);
      if (ws && until(ws)) return ws;
      if (Date.now() + delay > deadline) return undefined;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** A GET whose response is streamed to the caller (a watch), over the pooled agent. */
  private openStream(restPath: string): Promise<http.IncomingMessage> {
    const { transport, options } = this.requestTo('GET', restPath, {});
    return new Promise((resolve, reject) => {
      const req = transport.request(options, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  async getWorkspace(parentPath: string, name: string): Promise<Workspace | undefined> {
    try {
      const raw = await this.read(parentPath, { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name } });
      return workspaceSchema.parse(raw);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Creates the Workspace, or returns the existing one of that name (idempotent). */
  async ensureWorkspace(parentPath: string, input: WorkspaceSpecInput): Promise<Workspace> {
    const existing = await this.getWorkspace(parentPath, input.name);
    if (existing) return existing;
    const created = await this.createWorkspace(parentPath, input);
    if (created) return created;
    // Lost a race with another pass of the same reconcile: the object exists now.
    const again = await this.getWorkspace(parentPath, input.name);
    if (again) return again;
    throw new Error(`workspace ${parentPath}:${input.name} was reported to exist but cannot be read`);
  }

  /**
   * Creates the Workspace in one call; undefined when one of that name exists already (the caller reads
   * it if it needs it). Saves the read `ensureWorkspace` makes first when the Workspace is most likely new.
   */
  async createWorkspace(parentPath: string, input: WorkspaceSpecInput): Promise<Workspace | undefined> {
    const body: KubernetesObject = {
      apiVersion: TENANCY_API_VERSION,
      kind: 'Workspace',
      metadata: { name: input.name, ...(input.labels ? { labels: input.labels } : {}), ...(input.annotations ? { annotations: input.annotations } : {}) },
      ...(input.type ? { spec: { type: input.type } } : {}),
    } as KubernetesObject;
    try {
      return workspaceSchema.parse(await this.create(parentPath, body));
    } catch (err) {
      if (isConflict(err)) return undefined;
      throw err;
    }
  }

  /** Requests deletion; resolves `true` once the Workspace is gone. */
  async deleteWorkspace(parentPath: string, name: string): Promise<boolean> {
    try {
      await this.objects(parentPath).delete(
        { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Foreground',
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return (await this.getWorkspace(parentPath, name)) === undefined;
  }

  /** Creates `object` in the logical cluster at `path` unless one of that name exists. */
  async ensureObject<T extends KubernetesObject>(path: string, object: T): Promise<void> {
    try {
      await this.create(path, object);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  /**
   * Records a Kubernetes Event the way kubelet's recorder deduplicates: one object per (involved object,
   * reason), whose `count` and `lastTimestamp` grow when the reason repeats (the message is the latest).
   * A concurrent recorder of the same Event is a conflict; re-reading and retrying keeps every occurrence.
   */
  async recordEvent(path: string, input: EventInput): Promise<'created' | 'updated'> {
    const ref = { apiVersion: 'v1', kind: 'Event', metadata: { name: input.name, namespace: input.namespace } };
    const at = kubeTime();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.create(path, {
          ...ref,
          metadata: { ...ref.metadata, ...(input.labels ? { labels: input.labels } : {}) },
          involvedObject: input.involvedObject,
          reason: input.reason,
          message: input.message,
          type: input.type,
          source: { component: input.component },
          count: 1,
          firstTimestamp: at,
          lastTimestamp: at,
        } as KubernetesObject);
        return 'created';
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      try {
        const current = (await this.read(path, ref)) as KubernetesObject & { count?: number };
        await this.replace(path, {
          ...current,
          involvedObject: input.involvedObject,
          message: input.message,
          type: input.type,
          count: (current.count ?? 1) + 1,
          lastTimestamp: at,
        } as KubernetesObject);
        return 'updated';
      } catch (err) {
        // Deleted in between (404: create again) or updated in between (409: bump the newer one).
        if (attempt >= 4 || !(isConflict(err) || isNotFound(err))) throw err;
      }
    }
  }

  /** Events in one namespace of a logical cluster, selected by label, oldest first by last occurrence. */
  async listEvents(path: string, namespace: string, labelSelector: string): Promise<KubeEvent[]> {
    const list = await this.objects(path).list('v1', 'Event', namespace, undefined, undefined, undefined, undefined, labelSelector);
    const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : 0);
    return list.items
      .map((e) => kubeEventSchema.parse(e))
      .sort((a, b) => time(a.lastTimestamp) - time(b.lastTimestamp) || time(a.firstTimestamp) - time(b.firstTimestamp));
  }
}
