/**
 * A local stack for working on the console alone (the full stack is
 * `npm start`): an embedded Postgres under /tmp, migrated and seeded, and a
 * maildev SMTP catcher. Prints the environment to export, then waits.
 *   npx tsx apps/console/scripts/dev-env.ts [dataDir]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPrismaClient, migrateDeploy, seedDemo } from '@atrium/db';
import { ensureDatabase, startEmbeddedPostgres } from '@atrium/db/embedded';
import { freePort } from '@atrium/db/testing';

const dataDir = path.resolve(process.argv[2] ?? '/tmp/atrium-console-dev');
const smtp = await freePort();
const web = await freePort();
const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), ephemeral: true });
await ensureDatabase(pg.adminUrl, 'atrium');
const url = pg.urlFor('atrium');
try {
  await migrateDeploy(url);
  const client = createPrismaClient(url, 1);
  await seedDemo(client);
  await client.$disconnect();
} catch (e) {
  await pg.stop();
  throw e;
}

const maildevBin = path.resolve(import.meta.dirname, '../../../node_modules/maildev/dist/bin/maildev.js');
const maildev = spawn(process.execPath, [maildevBin, '--smtp', String(smtp), '--web', String(web), '--ip', '127.0.0.1', '--silent'], { stdio: 'inherit' });

console.log(`export DATABASE_URL='${url}' ATRIUM_SMTP_HOST=127.0.0.1 ATRIUM_SMTP_PORT=${smtp} E2E_MAIL_API=http://127.0.0.1:${web}`);
const stop = async () => {
  maildev.kill();
  await pg.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
