import { type PrismaClient, prisma } from '@atrium/db';

/** The console's database handle (the process-wide client from @atrium/db). */
export function db(): PrismaClient {
  return prisma();
}
