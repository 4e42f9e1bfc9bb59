/**
 * Budget alert mail end to end: a cluster request whose base fee pushes a team past 80 % of
 * its budget raises the alert and its `budget-alert-notify` job in the request's transaction;
 * graphile-worker runs the job against a real SMTP catcher (maildev); the org's owners and
 * admins get one mail each (developers and billing none), the alert is marked notified, and a
 * second run of the job sends nothing. The next crossing (100 %) mails again.
 */
import { createLogger } from '@atrium/config';
import { BUDGET_ALERT_NOTIFY_TASK, createPrismaClient, createTeam, makeOrg, type PrismaClient, requestCluster, setBudget } from '@atrium/db';
import { createTestDatabase, freePort, type TestDatabase } from '@atrium/db/testing';
import { KcpClient } from '@atrium/kube';
import { runOnce } from 'graphile-worker';
import { MailDev } from 'maildev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyBudgetAlert } from './budget-alert-notify.js';
import { taskList } from './index.js';
import { smtpMailer } from './mailer.js';

const M = 1_000_000n;
let db: TestDatabase;
let prisma: PrismaClient;
let maildev: MailDev;
let mailApi = '';
let smtpPort = 0;
type Fixture = Awaited<ReturnType<typeof makeOrg>>;
let acme: Fixture;
let paymentsId = '';

interface CaughtMail {
  subject: string;
  text: string;
  to: Array<{ address: string }>;
}

async function inbox(): Promise<CaughtMail[]> {
  return (await (await fetch(`${mailApi}/api/email`)).json()) as CaughtMail[];
}

const deps = () => ({
  prisma,
  mailer: smtpMailer({ host: '127.0.0.1', port: smtpPort, from: 'Atrium <no-reply@atrium.test>' }),
  consoleUrl: 'http://console.test',
});

/** Runs the queued alert jobs once, as the worker process would, through the real task list (the clusters' reconcile jobs stay queued). */
async function runJobs(): Promise<void> {
  const tasks = taskList({
    logger: createLogger('test'),
    kcp: new KcpClient({ server: 'https://127.0.0.1:1', token: 'unused-in-this-test-token' }),
    ...deps(),
  });
  await runOnce({ connectionString: db.url, taskList: { [BUDGET_ALERT_NOTIFY_TASK]: tasks[BUDGET_ALERT_NOTIFY_TASK]! } });
}

async function request(name: string, template: string) {
  const r = await requestCluster(prisma, {
    orgId: acme.org.id,
    actor: { userId: acme.users.owner!.id },
    role: 'owner',
    membershipId: acme.memberships.owner!.id,
    request: { name, teamId: paymentsId, template, regions: ['eu-west'] },
  });
  if (!r.allowed) throw new Error(r.headline);
  return r.cluster;
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 4);
  smtpPort = await freePort();
  const web = await freePort();
  maildev = new MailDev({ smtp: smtpPort, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  await maildev.start();
  mailApi = `http://127.0.0.1:${web}`;
  acme = await makeOrg(prisma, 'acme', { owner: 'owner', admin: 'admin', dev: 'developer', billing: 'billing' });
  const actor = { userId: acme.users.owner!.id };
  paymentsId = (await createTeam(prisma, { orgId: acme.org.id, actor, name: 'Payments', slug: 'payments' })).id;
  await prisma.region.create({ data: { slug: 'eu-west', displayName: 'EU West' } });
  await prisma.clusterTemplate.create({ data: { orgId: acme.org.id, slug: 'fee', name: 'Fee', apiSets: [], allowedRegions: [], baseFeeMicros: 4_100_000n } });
  await prisma.clusterTemplate.create({ data: { orgId: acme.org.id, slug: 'free', name: 'Free', apiSets: [], allowedRegions: [] } });
  await setBudget(prisma, { orgId: acme.org.id, actor, target: { scope: 'team', teamId: paymentsId }, capMicros: 5n * M });
}, 120_000);

afterAll(async () => {
  await maildev?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('budget-alert-notify', () => {
  it('mails the owners and admins once when a team crosses 80 %, and marks the alert', async () => {
    await request('dev', 'fee');
    const alerts = await prisma.budgetAlert.findMany({ where: { orgId: acme.org.id } });
    expect(alerts.map((a) => [a.thresholdPercent, a.runRateMicros, a.capMicros, a.notifiedAt])).toEqual([[80, 4_100_000n, 5n * M, null]]);
    const jobs = await prisma.$queryRawUnsafe<Array<{ payload: unknown }>>(
      'select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = $1',
      BUDGET_ALERT_NOTIFY_TASK,
    );
    expect(jobs).toEqual([{ payload: { alertId: alerts[0]!.id } }]);

    await runJobs();
    const mails = await inbox();
    expect(mails.map((m) => [m.to.map((t) => t.address), m.subject]).sort()).toEqual(
      [acme.users.owner!.email, acme.users.admin!.email].map((to) => [[to], 'Budget alert: team payments at 80% of $5.00/mo']).sort(),
    );
    expect(mails[0]!.text).toContain('The run-rate of team payments in ACME is now $4.10/mo: 82% of its $5.00/mo budget, past the 80% mark.');
    expect(mails[0]!.text).toContain('http://console.test/o/acme/cost');
    expect((await prisma.budgetAlert.findUniqueOrThrow({ where: { id: alerts[0]!.id } })).notifiedAt).toBeInstanceOf(Date);
  });

  it('sends nothing for an alert already notified, however often its job runs', async () => {
    const [alert] = await prisma.budgetAlert.findMany({ where: { orgId: acme.org.id } });
    const before = (await inbox()).length;
    expect(await notifyBudgetAlert(deps(), { alertId: alert!.id })).toEqual({ outcome: 'already-notified', sent: 0 });
    await prisma.$executeRawUnsafe(`select graphile_worker.add_job($1, json_build_object('alertId', $2::text))`, BUDGET_ALERT_NOTIFY_TASK, alert!.id);
    await runJobs();
    expect((await inbox()).length).toBe(before);
    expect(await notifyBudgetAlert(deps(), { alertId: 'missing' })).toEqual({ outcome: 'missing', sent: 0 });
    await expect(notifyBudgetAlert(deps(), { alert: 'x' })).rejects.toThrow();
  });

  it('mails again on the next crossing (100 %), not for a change within the same one', async () => {
    const before = (await inbox()).length;
    // $4.10 + $0.00: no crossing, no alert.
    await request('nothing', 'free');
    expect(await prisma.budgetAlert.count({ where: { orgId: acme.org.id } })).toBe(1);
    await request('second', 'fee');
    const latest = await prisma.budgetAlert.findFirstOrThrow({ where: { orgId: acme.org.id }, orderBy: { createdAt: 'desc' } });
    expect([latest.thresholdPercent, latest.runRateMicros]).toEqual([100, 8_200_000n]);
    await runJobs();
    const mails = (await inbox()).slice(before);
    expect(mails.map((m) => m.subject)).toEqual(['Budget alert: team payments at 100% of $5.00/mo', 'Budget alert: team payments at 100% of $5.00/mo']);
    expect(mails[0]!.text).toContain('The budget is used up');
  });
});
