import { AppError } from '@atrium/core';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

/** Who did something: a person, possibly through one of their API tokens. */
export interface Actor {
  userId: string;
  tokenId?: string | null;
  ip?: string | null;
}

export function isUniqueViolation(e: unknown, field?: string): boolean {
  const err = e as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } };
  if (err?.code !== 'P2002') return false;
  if (!field) return true;
  const target = err.meta?.target;
  const fields = Array.isArray(target) ? target : (err.meta?.driverAdapterError?.cause?.constraint?.fields ?? []);
  return fields.length === 0 || fields.some((f) => String(f).replaceAll('"', '') === field);
}

/**
 * Serialises membership changes within one org (role changes, removals,
 * invitation acceptance): without it two owners demoting each other at the
 * same time could both pass the "not the last owner" check.
 */
export async function lockOrg(tx: Tx, orgId: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`select id from "Organization" where id = ${orgId} for update`;
  if (rows.length === 0) throw AppError.notFound('Organisation');
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
