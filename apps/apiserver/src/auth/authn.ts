import { createHash, timingSafeEqual } from 'node:crypto';
import { insertBackendToken } from '@atrium/db';
import type pg from 'pg';

export interface UserInfo {
  name: string;
  groups: string[];
  /** May use `/clusters/*` (system identities only). */
  wildcard: boolean;
  /** Logical cluster paths (or names) this identity may use; `null` = all. Matched exactly, never by prefix. */
  clusters: string[] | null;
}

export const SYSTEM_MASTERS = 'system:masters';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface TokenRow {
  username: string;
  groups: string[];
  clusters: string[] | null;
  wildcard: boolean;
}

/**
 * Bearer-token authentication: the system-admin token from configuration,
 * and tokens from `apiserver.tokens` (stored as SHA-256: they are random
 * 256-bit secrets, so a slow hash buys nothing). Lookups are cached; the
 * table's trigger notifies every replica to drop a changed token at once.
 */
export class Authenticator {
  private readonly cache = new Map<string, { user: UserInfo | null; at: number }>();
  private readonly adminDigest: Buffer;

  constructor(
    private readonly pool: pg.Pool,
    adminToken: string,
    private readonly ttlMs = 60_000,
  ) {
    this.adminDigest = createHash('sha256').update(adminToken).digest();
  }

  invalidate(tokenHash: string): void {
    this.cache.delete(tokenHash);
  }

  async authenticate(authorization: string | undefined): Promise<UserInfo | null> {
    if (!authorization) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return null;
    const token = m[1]!;
    const digest = createHash('sha256').update(token).digest();
    if (timingSafeEqual(digest, this.adminDigest)) {
      return { name: 'system:admin', groups: [SYSTEM_MASTERS, 'system:authenticated'], wildcard: true, clusters: null };
    }
    const hash = digest.toString('hex');
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.user;
    const { rows } = await this.pool.query<TokenRow>({
      name: 'apiserver_token',
      text: 'select username, groups, clusters, wildcard from apiserver.tokens where token_hash = $1 and revoked_at is null',
      values: [hash],
    });
    const row = rows[0];
    const user: UserInfo | null = row
      ? { name: row.username, groups: [...row.groups, 'system:authenticated'], wildcard: row.wildcard, clusters: row.clusters }
      : null;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(hash, { user, at: Date.now() });
    return user;
  }
}

/** Issues a token (the console and the worker call this through the CLI or directly); returns the secret once. */
/** Issues a token (printed once by the CLI); the row is written by the one writer of `apiserver.tokens` in @atrium/db. */
export async function createToken(
  pool: pg.Pool,
  options: { username: string; groups?: string[]; clusters: string[] | null; wildcard?: boolean },
): Promise<string> {
  const { token } = await insertBackendToken(pool, {
    username: options.username,
    groups: options.groups ?? [],
    clusters: options.clusters,
    wildcard: options.wildcard ?? false,
  });
  return token;
}

export async function revokeToken(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('update apiserver.tokens set revoked_at = now() where token_hash = $1', [hashToken(token)]);
}

/** Exact match on path or logical cluster name: `root:acme:a` never grants `root:acme:a1` or `root:acme:a:b`. */
export function mayUseCluster(user: UserInfo, cluster: { name: string; path: string }): boolean {
  if (user.clusters === null) return true;
  return user.clusters.includes(cluster.path) || user.clusters.includes(cluster.name);
}
