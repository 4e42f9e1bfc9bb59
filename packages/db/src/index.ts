export { createPrismaClient, type PrismaClient, prisma } from './client.js';
export { assertReachable, type ResolvedDatabase, resolveDatabase } from './database.js';
export * from './generated/prisma/enums.js';
export { migrateDeploy } from './migrate.js';
export { DEMO, seedDemo } from './seed/demo.js';
