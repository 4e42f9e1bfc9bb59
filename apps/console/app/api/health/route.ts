import { prisma } from '@atrium/db';

export const dynamic = 'force-dynamic';

// The orchestrator waits on this: healthy means the database answers.
export async function GET(): Promise<Response> {
  try {
    await Promise.race([prisma().$queryRaw`select 1`, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
    return Response.json({ status: 'ok' });
  } catch {
    return Response.json({ status: 'unavailable', error: { code: 'DATABASE_UNAVAILABLE', message: 'The database does not answer.' } }, { status: 503 });
  }
}
