import { spawn } from 'node:child_process';
import path from 'node:path';
import { Logger, runMigrations } from 'graphile-worker';

// Resolved on use, not at load: the console bundles this module with webpack,
// which has no `import.meta.dirname`, and never runs migrations itself.
const prismaCli = () => path.resolve(import.meta.dirname, '../bin/prisma.mjs');

/**
 * Brings a database to the current schema: Prisma's migrations (schema
 * `public`), then graphile-worker's queue schema, so that the console can
 * enqueue a job in the same transaction as the row it acts on before any
 * worker has ever started.
 */
export async function migrateDeploy(url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli(), 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (exit ${code}):\n${output}`))));
  });
  await runMigrations({ connectionString: url, logger: quietLogger });
}

// graphile-worker logs every migration step at info; start-up output stays readable without it.

const quietLogger = new Logger(() => () => undefined);
