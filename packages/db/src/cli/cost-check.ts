/**
 * `npm run cost:check [-- --org <slug>] [--fix]`: recomputes every run-rate from the stored
 * objects and the price book now, and compares it with what admission recorded, to the
 * micro-dollar. Exit 0 when everything agrees (or `--fix` rewrote it), 1 on any difference,
 * 2 on bad usage. Runs beside `npm start` (it attaches to the running embedded Postgres).
 */
import { parseArgs } from 'node:util';
import { ConfigError, env } from '@atrium/config';
import { orgSlugSchema } from '@atrium/core';
import pg from 'pg';
import { attachDatabase } from '../database.js';
import { checkCost, formatCostCheckReport, UnknownOrgError } from '../repositories/cost/check-cost.js';

const USAGE = 'usage: npm run cost:check [-- --org <slug>] [--fix]';

async function main(): Promise<number> {
  let args: { org?: string | undefined; fix?: boolean | undefined; help?: boolean | undefined };
  try {
    args = parseArgs({ options: { org: { type: 'string' }, fix: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.org !== undefined && !orgSlugSchema.safeParse(args.org).success) {
    console.error(`--org ${JSON.stringify(args.org)} is not an org slug\n${USAGE}`);
    return 2;
  }
  const database = await attachDatabase(env());
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const report = await checkCost(pool, { ...(args.org !== undefined ? { orgSlug: args.org } : {}), fix: args.fix === true });
    console.log(formatCostCheckReport(report));
    const unfixable = report.differences.some((d) => d.kind === 'unpriceable');
    return report.differences.length === 0 || (report.fixed && !unfixable) ? 0 : 1;
  } catch (e) {
    if (e instanceof UnknownOrgError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exitCode = err instanceof ConfigError ? 2 : 1;
  },
);
