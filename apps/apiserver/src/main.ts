import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, env } from '@atrium/config';
import pino from 'pino';
import { adminKubeconfig } from './kubeconfig.js';
import { startApiServer } from './server.js';

async function main(): Promise<void> {
  const e = env();
  if (!e.DATABASE_URL) throw new ConfigError('DATABASE_URL is not set: the API server stores everything in Postgres. Set DATABASE_URL=postgres://… and retry.');
  if (!e.ATRIUM_KCP_TOKEN)
    throw new ConfigError('ATRIUM_KCP_TOKEN is not set: it is the system-admin bearer token of the API server. Set it (16+ characters) and retry.');
  // stdout carries exactly one line (the ready line the orchestrator waits for); logs go to stderr.
  const logger = pino({ name: 'apiserver', level: e.LOG_LEVEL, redact: ['token', '*.token', 'authorization'] }, pino.destination(2));
  const server = await startApiServer({
    databaseUrl: e.DATABASE_URL,
    adminToken: e.ATRIUM_KCP_TOKEN,
    host: e.ATRIUM_APISERVER_HOST,
    port: e.ATRIUM_APISERVER_PORT,
    logger,
    // kubectl only sends bearer tokens over TLS; plain HTTP stays on the same port for in-cluster callers.
    tls: { dir: e.ATRIUM_HOME },
  });
  fs.mkdirSync(e.ATRIUM_HOME, { recursive: true });
  const kubeconfigPath = path.join(e.ATRIUM_HOME, 'admin.kubeconfig');
  fs.writeFileSync(kubeconfigPath, adminKubeconfig(server.httpsUrl ?? server.url, e.ATRIUM_KCP_TOKEN, server.caPem ? { caPem: server.caPem } : {}), {
    mode: 0o600,
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.stdout.write(`apiserver ready at ${server.url}\n`);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${JSON.stringify({ level: 60, msg: 'apiserver failed to start', err: String((e as Error)?.stack ?? e) })}\n`);
  process.exit(1);
});
