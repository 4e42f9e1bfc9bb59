#!/usr/bin/env node
// Runs the Prisma CLI with the fixes this machine needs (see ../README.md):
// - the WebAssembly schema engine arms a 60 s timer that keeps the CLI alive
//   for a minute after it has finished; long timers are unref'd so the
//   process exits when its work is done;
// - the config in prisma.config.ts selects the JS engine and the pg adapter,
//   so no engine binary is ever downloaded.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const preload = path.join(here, 'unref-long-timers.cjs');
const root = path.resolve(here, '../../..');

const result = spawnSync(process.execPath, ['--require', preload, cli, ...process.argv.slice(2), '--config', path.join(here, '..', 'prisma.config.ts')], {
  stdio: 'inherit',
  cwd: root,
  env: {
    // The schema keeps `url = env("DATABASE_URL")`; when it is unset (generate on
    // `npm ci`) schema validation fails and the CLI falls back to downloading a
    // query engine. Commands that connect go through the adapter in prisma.config.ts.
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || 'postgresql://unset:unset@127.0.0.1:1/unset',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
  },
});
process.exit(result.status ?? 1);
