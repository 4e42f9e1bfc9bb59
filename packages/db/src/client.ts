import { env } from '@atrium/config';
import { PrismaClient } from './generated/prisma/client.js';
import { createRuntimeAdapter } from './pg-adapter.js';

export type { PrismaClient };

export function createPrismaClient(url: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: createRuntimeAdapter(url, poolSize) });
}

// One client per process: Next's dev server re-evaluates modules, so the
// singleton lives on globalThis rather than in module scope.
const holder = globalThis as unknown as { __atriumPrisma?: PrismaClient };

/** The process-wide client for DATABASE_URL. */
export function prisma(): PrismaClient {
  if (!holder.__atriumPrisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start Atrium with `npm start`, which provides it.');
    holder.__atriumPrisma = createPrismaClient(url);
  }
  return holder.__atriumPrisma;
}
