import type { PrismaClient } from '@atrium/db';
import type { DispatchDeps } from '../api/dispatch.js';

/**
 * What the `/api/v1` dispatcher needs in a route integration test that authenticates with
 * API tokens: no browser session, no allowed origins, and any unexpected error fails the
 * test instead of becoming a 500.
 */
export function tokenOnlyDispatchDeps(db: PrismaClient): DispatchDeps {
  return {
    db,
    sessionUser: async () => null,
    allowedOrigins: [],
    clientIp: () => '127.0.0.1',
    logError: (err) => {
      throw err;
    },
    services: { invitationSecret: () => 'x', mail: { verification: async () => {}, passwordReset: async () => {}, invitation: async () => {} } },
  };
}
