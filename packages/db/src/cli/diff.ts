/**
 * Writes a new migration from the difference between the committed migrations
 * and the schema: `npm run db:diff -- <name>`. `prisma migrate dev` crashes
 * with the WebAssembly engine, so this uses `migrate diff` against a throwaway
 * embedded Postgres (or SHADOW_DATABASE_URL's server), then `migrate deploy`
 * applies it like everywhere else.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../embedded.js';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_');
if (!name) {
  console.error('usage: npm run db:diff -- <migration_name>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '../../../..');
const migrations = path.join(root, 'prisma/migrations');
fs.mkdirSync(migrations, { recursive: true });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-diff-'));
// The server runs as the unprivileged postgres user, which must reach its data dir.
fs.chmodSync(tmp, 0o755);
const server = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: 54000 + Math.floor(Math.random() * 900), ephemeral: true });
try {
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'packages/db/bin/prisma.mjs'),
      'migrate',
      'diff',
      '--from-migrations',
      migrations,
      '--to-schema-datamodel',
      path.join(root, 'prisma'),
      '--script',
    ],
    { env: { ...process.env, DATABASE_URL: server.adminUrl }, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exitCode = 1;
  }
  const sql = result.stdout.trim();
  if (result.status !== 0) {
    // reported above; the finally block still stops the throwaway server
  } else if (!sql || sql === '-- This is an empty migration.') {
    console.log('schema and migrations agree: nothing to write');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(migrations, `${stamp}_${name}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`);
    console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
  }
} finally {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
