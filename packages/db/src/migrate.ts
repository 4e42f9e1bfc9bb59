import { spawn } from 'node:child_process';
import path from 'node:path';

// Resolved lazily: bundlers (the console's webpack build) leave
// import.meta.dirname undefined, and only CLI/test callers ever migrate.
const prismaCli = () => path.resolve(import.meta.dirname, '../bin/prisma.mjs');

/** `prisma migrate deploy` against `url`, through the wrapper in bin/. */
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
}
