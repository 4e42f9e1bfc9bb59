/**
 * Integration-test databases. The global setup (infra/test/global-setup.ts)
 * starts one throwaway Postgres per `npm test` run (or uses DATABASE_URL's
 * server) and migrates a template database once; every test file then gets
 * its own database cloned from the template in a few milliseconds.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from '@atrium/config';
import pg from 'pg';
import { assertReachable } from './database.js';
import { type EmbeddedPostgres, ensureDatabase, startEmbeddedPostgres } from './embedded.js';
import { migrateDeploy } from './migrate.js';

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const TEMPLATE_DATABASE = 'atrium_template';
const ADMIN_URL_VARIABLE = 'ATRIUM_TEST_PG_ADMIN_URL';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestCluster {
  adminUrl: string;
  stop(): Promise<void>;
}

/** Called once per run by the vitest global setup. */
export async function startTestCluster(): Promise<TestCluster> {
  const e = parseEnv();
  let server: EmbeddedPostgres | undefined;
  let adminUrl: string;
  if (e.DATABASE_URL) {
    await assertReachable(e.DATABASE_URL);
    adminUrl = e.DATABASE_URL;
  } else {
    // A fresh cluster per run on a free port, so parallel runs never collide.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-test-pg-'));
    fs.chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort(), ephemeral: true });
    server = {
      ...embedded,
      stop: async () => {
        await embedded.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    adminUrl = embedded.adminUrl;
  }
  await adminQuery(adminUrl, `drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
  await migrateDeploy(withDatabase(adminUrl, TEMPLATE_DATABASE));
  process.env[ADMIN_URL_VARIABLE] = adminUrl;
  return { adminUrl, stop: async () => server?.stop() };
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env[ADMIN_URL_VARIABLE];
  if (!adminUrl) throw new Error(`${ADMIN_URL_VARIABLE} is unset: integration tests run through \`npm run test:int\`, whose global setup starts Postgres.`);
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${TEMPLATE_DATABASE}`);
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
