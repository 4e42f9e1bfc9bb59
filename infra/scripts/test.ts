/**
 * `npm test`: every tier in order — prisma generate, typecheck, lint, unit,
 * integration (real Postgres, includes the `npm start` smoke test), then the
 * Playwright browser tests. All stages run even if one fails, so one run
 * shows everything that is wrong; the exit code is non-zero if any failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-test-'));
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

interface Stage {
  name: string;
  ok: boolean;
  seconds: number;
}
const stages: Stage[] = [];
let passed = 0;
let failed = 0;

function run(name: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${name}: ${path.basename(command)} ${args.join(' ')}`);
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  stages.push({ name, ok, seconds: (Date.now() - t0) / 1000 });
  return ok;
}

function ensureChromium(): boolean {
  if (fs.existsSync('/usr/bin/chromium')) return true;
  if (process.getuid?.() !== 0) {
    console.error('Chromium is missing: run `sudo apt-get install -y chromium` (Debian) and retry `npm test`.');
    return false;
  }
  console.log('Installing Debian chromium for the browser tests (one time)…');
  return (
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' }).status === 0 &&
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0
  );
}

function countVitest(file: string): void {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  } catch {
    failed += 1; // the runner crashed before reporting
  }
}

function countPlaywright(file: string): void {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number } };
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
  } catch {
    failed += 1;
  }
}

run('generate', process.execPath, ['packages/db/bin/prisma.mjs', 'generate']);
run('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
run('lint', bin('biome'), ['check', '.']);

const unitReport = path.join(reports, 'unit.json');
run('unit', bin('vitest'), ['run', '--project', 'unit', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]);
countVitest(unitReport);

const intReport = path.join(reports, 'int.json');
run('integration', bin('vitest'), ['run', '--project', 'int', '--reporter=default', '--reporter=json', `--outputFile.json=${intReport}`]);
countVitest(intReport);

if (ensureChromium()) {
  const e2eReport = path.join(reports, 'e2e.json');
  run('e2e', bin('playwright'), ['test', '-c', 'e2e/playwright.config.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport });
  countPlaywright(e2eReport);
} else {
  stages.push({ name: 'e2e', ok: false, seconds: 0 });
}

console.log('\n=== summary');
for (const s of stages) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(12)} ${s.seconds.toFixed(1)} s`);
const allOk = stages.every((s) => s.ok);
if (!allOk && failed === 0) failed = stages.filter((s) => !s.ok).length;
console.log(`${passed} passed, ${failed} failed`);
fs.rmSync(reports, { recursive: true, force: true });
process.exit(allOk ? 0 : 1);
