import fs from 'node:fs';
/**
 * The worker process: a graphile-worker runner on the Atrium database whose
 * tasks are level-based reconcilers (see ../README.md).
 */
import { apiserverUrl, ConfigError, createLogger, env } from '@atrium/config';
import { createPrismaClient } from '@atrium/db';
import { KcpClient } from '@atrium/kube';
import { run } from 'graphile-worker';
import { CRONTAB, RESYNC_TASK, taskList, workerRunOptions } from './tasks/index.js';

async function main(): Promise<void> {
  const e = env();
  if (!e.DATABASE_URL) throw new ConfigError('DATABASE_URL is not set. Start the worker through `npm start`, or set DATABASE_URL to the Atrium database.');
  if (!e.ATRIUM_KCP_TOKEN) throw new ConfigError('ATRIUM_KCP_TOKEN is not set: the worker needs the backend system token (npm start provides it).');
  const logger = createLogger('worker');
  const prisma = createPrismaClient(e.DATABASE_URL, 8);
  const kcp = new KcpClient({
    server: apiserverUrl(e),
    token: e.ATRIUM_KCP_TOKEN,
    ...(e.ATRIUM_KCP_CA_FILE ? { caPem: fs.readFileSync(e.ATRIUM_KCP_CA_FILE, 'utf8') } : {}),
  });
  const runner = await run({
    connectionString: e.DATABASE_URL,
    ...workerRunOptions(8),
    taskList: taskList({ logger, prisma, kcp }),
    crontab: CRONTAB,
  });
  // Level-based from the first moment: jobs a killed worker held stay locked
  // for hours, so every unsettled cluster gets a fresh pass at start-up.
  await runner.addJob(RESYNC_TASK, {}, { jobKey: 'resync-at-start' });
  console.log('worker ready');

  const stop = async () => {
    await runner.stop();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // If `npm start` dies without stopping us (kill -9), don't linger as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 1000).unref();
  await runner.promise;
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
