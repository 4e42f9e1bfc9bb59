import path from 'node:path';
import { type AtriumEnv, ConfigError } from '@atrium/config';
import pg from 'pg';
import { embeddedDatabaseUrl, ensureDatabase, runningEmbeddedPort, startEmbeddedPostgres } from './embedded.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Checks an external server answers, with an error a person can act on. */
export async function assertReachable(url: string, variable = 'DATABASE_URL'): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    const reason = (e as Error).message || (e as NodeJS.ErrnoException).code || 'no answer';
    throw new ConfigError(`${variable} is unreachable (${reason}). Start that server, fix ${variable}, or unset it to use the embedded Postgres.`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * DATABASE_URL when set, otherwise the embedded server under ATRIUM_HOME
 * (started here, data reused across runs).
 */
export async function resolveDatabase(e: AtriumEnv, onLog?: (line: string) => void): Promise<ResolvedDatabase> {
  if (e.DATABASE_URL) {
    await assertReachable(e.DATABASE_URL);
    return { url: e.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({ dataDir: path.join(e.ATRIUM_HOME, 'postgres'), port: e.ATRIUM_PG_PORT, ...(onLog ? { onLog } : {}) });
  await ensureDatabase(server.adminUrl, 'atrium');
  return { url: server.urlFor('atrium'), embedded: true, stop: server.stop };
}

/**
 * For operator commands (price book, cost check) that run beside `npm start`: DATABASE_URL
 * when set; the embedded server when it is already running on ATRIUM_HOME (its pid file names
 * a live postgres) — never a second server on the same data; otherwise the embedded server
 * started for the duration of the command.
 */
export async function attachDatabase(e: AtriumEnv): Promise<ResolvedDatabase> {
  if (e.DATABASE_URL) return resolveDatabase(e);
  const port = runningEmbeddedPort(path.join(e.ATRIUM_HOME, 'postgres'));
  if (port !== undefined) {
    const url = embeddedDatabaseUrl(port, 'atrium');
    await assertReachable(url, 'the running embedded Postgres');
    return { url, embedded: true, stop: async () => undefined };
  }
  return resolveDatabase(e);
}
