/**
 * Console response times and sign-in capacity (issue 5's benchmark).
 *
 * Seeds 1,000 organisations and 10,000 members with set-based SQL (one large
 * org of 1,000 members with a team tree, invitations, tokens and audit events;
 * 999 small orgs share the other 9,000), starts the already-built console with
 * `next start`, signs in through next-auth's real credentials flow and mints an
 * API token, then measures server response time (request sent → body read, on
 * loopback) of the main pages and `/api/v1` list routes for the large org:
 * first pages (lists are keyset-paginated, 50 rows by default), a page deep
 * into the members, a search and one team's members.
 * Target p99 < 150 ms: reported, not asserted, because a shared machine's
 * numbers are evidence, not a pass/fail gate.
 *
 * Sign-in capacity: argon2id `verifyPassword` at concurrency 1/2/4 in this
 * process, and full credential sign-ins per second through the console. The
 * hash cost is deliberate (OWASP minimum m=19 MiB, t=2), so this bounds how
 * many logins a console process can take, not a defect to optimise away.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { hashPassword, verifyPassword } from '@atrium/core';
import { freePort } from '@atrium/db/testing';
import pg from 'pg';
import type { BenchContext } from './run.js';
import { runLoad } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONSOLE_DIR = path.join(ROOT, 'apps/console');
const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const SECRET = 'bench-nextauth-secret-0123456789abcdef';
const BIG = 'big-org';
const BIG_MEMBERS = 1000;
const TOTAL_ORGS = 1000;
const TOTAL_MEMBERS = 10_000;
const PASSWORD = 'bench-password-Correct-Horse-7';
const OWNER_EMAIL = 'owner@bench.test';

/**
 * Set-based seed: row-by-row Prisma creates would take minutes for 10k users.
 * Ids are readable strings (Prisma's cuid default applies only to its own
 * creates; the columns are plain text). The bench owner is member #1 of the
 * large org, so the large org has exactly BIG_MEMBERS members.
 */
async function seed(url: string, ownerHash: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(
      `insert into "Organization" (id, slug, name, "updatedAt")
       select 'org' || i, case when i = 0 then $1 else 'org-' || i end, 'Org ' || i, now() from generate_series(0, $2 - 1) i`,
      [BIG, TOTAL_ORGS],
    );
    await c.query(
      `insert into "User" (id, email, name, "passwordHash", "emailVerified", "updatedAt")
       select 'u' || i, case when i = 0 then $1 else 'user' || i || '@bench.test' end, 'User ' || i,
              case when i = 0 then $2 else null end, now(), now()
       from generate_series(0, $3 - 1) i`,
      [OWNER_EMAIL, ownerHash, TOTAL_MEMBERS],
    );
    // Users 0..999 in the large org; the rest spread over orgs 1..999 (~9 each).
    await c.query(
      `insert into "Membership" (id, "orgId", "userId", role, "createdAt")
       select 'm' || i,
              case when i < $1 then 'org0' else 'org' || (1 + (i - $1) % ($2 - 1)) end,
              'u' || i,
              (case when i = 0 then 'owner' when i % 50 = 0 then 'admin' when i % 7 = 0 then 'billing' else 'developer' end)::"MemberRole",
              now() - (($3 - i) || ' seconds')::interval
       from generate_series(0, $3 - 1) i`,
      [BIG_MEMBERS, TOTAL_ORGS, TOTAL_MEMBERS],
    );
    // A three-level tree of 60 teams in the large org; every member in one or two teams.
    await c.query(
      `insert into "Team" (id, "orgId", "parentId", slug, name)
       select 't' || i, 'org0', case when i < 6 then null when i < 24 then 't' || (i % 6) else 't' || (6 + i % 18) end,
              'team-' || i, 'Team ' || i
       from generate_series(0, 59) i`,
    );
    await c.query(
      `insert into "TeamMember" ("teamId", "membershipId")
       select 't' || (i % 60), 'm' || i from generate_series(0, $1 - 1) i
       union all
       select 't' || ((i * 7 + 3) % 60), 'm' || i from generate_series(0, $1 - 1, 3) i where (i * 7 + 3) % 60 <> i % 60`,
      [BIG_MEMBERS],
    );
    await c.query(
      `insert into "Invitation" (id, "orgId", email, role, "teamId", "tokenHash", "invitedById", "expiresAt", "revokedAt", "acceptedAt")
       select 'inv' || i, 'org0', 'invitee' || i || '@bench.test', 'developer', 't' || (i % 60), md5('inv' || i), 'u0',
              now() + interval '7 days', case when i % 5 = 0 then now() end, case when i % 5 = 1 then now() end
       from generate_series(0, 199) i`,
    );
    await c.query(
      `insert into "ApiToken" (id, "orgId", "userId", name, "tokenHash", prefix)
       select 'tok' || i, 'org0', 'u0', 'token ' || i, md5('tok' || i), 'atr_' || substr(md5('p' || i), 1, 6)
       from generate_series(0, 49) i`,
    );
    // 20,000 audit events in the large org and 5 in each small one.
    await c.query(
      `insert into "AuditEvent" ("orgId", "actorUserId", action, "targetType", "targetId", before, after, ip, "createdAt")
       select 'org0', 'u' || (i % 50 * 20), (array['member.invite','member.role','team.create','token.create'])[1 + i % 4], 'member', 'm' || (i % $1),
              '{"role":"developer"}'::jsonb, '{"role":"admin"}'::jsonb, '127.0.0.1', now() - (i || ' seconds')::interval
       from generate_series(0, 19999) i
       union all
       select 'org' || (1 + i % ($2 - 1)), null, 'team.create', 'team', 'x' || i, null, '{}'::jsonb, null, now()
       from generate_series(0, 5 * ($2 - 1) - 1) i`,
      [BIG_MEMBERS, TOTAL_ORGS],
    );
    await c.query('commit');
    await c.query('analyze');
  } finally {
    await c.end();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function request(base: string, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${urlPath}`,
      { method, agent, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function cookiesOf(reply: Reply): string[] {
  return (reply.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
}

async function startConsole(databaseUrl: string): Promise<{ base: string; child: ChildProcess }> {
  if (!fs.existsSync(path.join(CONSOLE_DIR, '.next/BUILD_ID'))) {
    const build = spawn('npm', ['run', 'build', '-w', '@atrium/console'], { cwd: ROOT, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
    if (code !== 0) throw new Error(`console build failed (exit ${code})`);
  }
  const port = await freePort();
  const base = `http://localhost:${port}`;
  // npm hoists next to the root node_modules; `next start` must still run in the app directory.
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: CONSOLE_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: base, NEXT_TELEMETRY_DISABLED: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`console exited with ${child.exitCode}`);
    try {
      const r = await request(base, 'GET', '/api/health', {});
      if (r.status === 200) return { base, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('console did not become healthy within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** next-auth's credentials flow, as the sign-in form does it: csrf → callback. */
async function signIn(base: string, csrf: { token: string; cookie: string }): Promise<string> {
  const body = new URLSearchParams({ csrfToken: csrf.token, email: OWNER_EMAIL, password: PASSWORD, json: 'true' }).toString();
  const reply = await request(
    base,
    'POST',
    '/api/auth/callback/credentials',
    { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.cookie, 'x-forwarded-for': '127.0.0.1' },
    body,
  );
  const session = cookiesOf(reply).find((c) => c.startsWith('next-auth.session-token='));
  if (!session) throw new Error(`sign-in failed: HTTP ${reply.status} ${reply.text.slice(0, 200)}`);
  return session;
}

export default async function run(ctx: BenchContext): Promise<void> {
  const database = await ctx.createDatabase();
  let child: ChildProcess | undefined;
  try {
    const ownerHash = await hashPassword(PASSWORD);
    const t0 = performance.now();
    await seed(database.url, ownerHash);
    ctx.report({
      bench: 'console.seed',
      orgs: TOTAL_ORGS,
      members: TOTAL_MEMBERS,
      largeOrgMembers: BIG_MEMBERS,
      seconds: Math.round(performance.now() - t0) / 1000,
    });

    // Password verification alone, in this process: the floor of a sign-in.
    for (const concurrency of [1, 2, 4]) {
      const result = await runLoad(concurrency, durationMs, async () => {
        if (!(await verifyPassword(ownerHash, PASSWORD))) throw new Error('verifyPassword rejected the right password');
      });
      ctx.report({ bench: 'console.argon2id-verify', concurrency, ...result });
    }

    const started = await startConsole(database.url);
    child = started.child;
    const { base } = started;
    const csrfReply = await request(base, 'GET', '/api/auth/csrf', {});
    const csrf = { token: (JSON.parse(csrfReply.text) as { csrfToken: string }).csrfToken, cookie: cookiesOf(csrfReply).join('; ') };
    const cookie = await signIn(base, csrf);

    const minted = await request(
      base,
      'POST',
      `/api/v1/orgs/${BIG}/tokens`,
      { cookie, origin: base, 'content-type': 'application/json' },
      JSON.stringify({ name: 'bench' }),
    );
    if (minted.status !== 201 && minted.status !== 200) throw new Error(`token mint failed: HTTP ${minted.status} ${minted.text.slice(0, 200)}`);
    const token = (JSON.parse(minted.text) as { token: string }).token;

    // A cursor deep into the big org's members (page 11 of 20 at the default 50), to show a late page costs what the first does.
    const bearer = { authorization: `Bearer ${token}` };
    let deepCursor = '';
    for (let page = 0; page < 10; page++) {
      const r = await request(base, 'GET', `/api/v1/orgs/${BIG}/members${deepCursor ? `?cursor=${encodeURIComponent(deepCursor)}` : ''}`, bearer);
      deepCursor = (JSON.parse(r.text) as { nextCursor: string | null }).nextCursor ?? '';
      if (!deepCursor) throw new Error(`members list ended after ${page + 1} pages`);
    }

    const targets: Array<{ name: string; path: string; headers: Record<string, string> }> = [
      { name: 'page /o/<org>', path: `/o/${BIG}`, headers: { cookie } },
      { name: 'page members', path: `/o/${BIG}/members`, headers: { cookie } },
      { name: 'page members ?q=', path: `/o/${BIG}/members?q=user12`, headers: { cookie } },
      { name: 'page teams', path: `/o/${BIG}/teams`, headers: { cookie } },
      { name: 'page invitations', path: `/o/${BIG}/invitations`, headers: { cookie } },
      { name: 'page audit', path: `/o/${BIG}/audit`, headers: { cookie } },
      ...['members', 'teams', 'invitations', 'tokens', 'audit'].map((r) => ({
        name: `api GET /orgs/<org>/${r}`,
        path: `/api/v1/orgs/${BIG}/${r}`,
        headers: bearer,
      })),
      { name: 'api GET members page 11 (cursor)', path: `/api/v1/orgs/${BIG}/members?cursor=${encodeURIComponent(deepCursor)}`, headers: bearer },
      { name: 'api GET members ?q=', path: `/api/v1/orgs/${BIG}/members?q=user12`, headers: bearer },
      { name: 'api GET members ?teamId= (type-ahead of a team)', path: `/api/v1/orgs/${BIG}/members?teamId=t7&limit=20`, headers: bearer },
    ];
    for (const target of targets) {
      const check = async () => {
        const r = await request(base, 'GET', target.path, target.headers);
        if (r.status !== 200) throw new Error(`${target.path}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
        return r.text.length;
      };
      // Warm-up: first requests load route chunks and JIT the handlers.
      let bytes = 0;
      for (let i = 0; i < 5; i++) bytes = await check();
      for (const concurrency of [1, 4]) {
        const result = await runLoad(concurrency, durationMs, async () => {
          await check();
        });
        ctx.report({ bench: 'console.response', target: target.name, concurrency, bytes, ...result, p99TargetMs: 150, meetsTarget: result.p99Ms < 150 });
      }
    }

    // Full sign-ins: throttling counts failures only, so repeated successes are never refused.
    for (const concurrency of [1, 4]) {
      const result = await runLoad(concurrency, durationMs, async () => {
        await signIn(base, csrf);
      });
      ctx.report({ bench: 'console.sign-in', concurrency, ...result });
    }
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    agent.destroy();
    await database.drop();
  }
}
