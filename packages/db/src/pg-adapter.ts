import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * The pg driver adapter, with the fixes Prisma 6.19.3's WebAssembly schema
 * engine needs on Postgres 18 (see packages/db/README.md):
 *
 * 1. prisma/orm#27403: the engine's introspection selects columns of type
 *    `name` (oid 19) and `"char"` (oid 18), which the adapter cannot map and
 *    rejects ("Column type 'name' could not be deserialized"). pg already
 *    returns both as strings, so reporting them as `text` (oid 25) is exact.
 * 2. The adapter's shadow database inherits `connectionString`, which wins
 *    over its `database` override, so the "shadow" was the real database and
 *    its cleanup tried to drop it while connected. We connect with discrete
 *    fields, close the shadow pool before dropping, and drop WITH (FORCE).
 */
const TEXT_OID = 25;
const REMAPPED_OIDS = new Set([18, 19]);

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function remapFields<T>(result: T): T {
  const fields = (result as QueryResultLike | undefined)?.fields;
  if (fields) for (const f of fields) if (REMAPPED_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  return result;
}

/**
 * 3. Postgres 18 records NOT NULL constraints in pg_constraint (contype 'n');
 *    the engine's introspection predates that and panics ("unreachable") on
 *    them. Its constraint query already excludes p/u/f; we exclude 'n' too
 *    (NOT NULL is read from pg_attribute anyway, so nothing is lost).
 */
const CONSTRAINT_FILTER = "contype NOT IN ('p', 'u', 'f')";
function excludeNotNullConstraints(sql: string): string {
  return sql.includes(CONSTRAINT_FILTER) ? sql.replace(CONSTRAINT_FILTER, "contype NOT IN ('p', 'u', 'f', 'n')") : sql;
}

class NameAsTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg.Client#query's overloads.
  override query(...args: any[]): any {
    if (typeof args[0] === 'string') args[0] = excludeNotNullConstraints(args[0]);
    else if (args[0] && typeof args[0].text === 'string') args[0] = { ...args[0], text: excludeNotNullConstraints(args[0].text) };
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      // biome-ignore lint/suspicious/noExplicitAny: pg's callback signature.
      args[last] = (err: unknown, res: any) => callback(err, err ? res : remapFields(res));
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    const out = (super.query as any)(...args);
    return out && typeof out.then === 'function' ? out.then(remapFields) : out;
  }
}

function poolConfig(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    Client: NameAsTextClient,
    // The CLI would otherwise wait out pg's 10 s idle timeout before exiting.
    allowExitOnIdle: true,
  };
}

/** Adapter factory for the Prisma CLI (migrate deploy / diff). */
export function createMigrationAdapterFactory(url: string) {
  const config = poolConfig(url);
  const factory = new PrismaPg(config);
  const connectToShadowDb = async () => {
    const database = `prisma_shadow_${crypto.randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ ...config, Client: undefined } as pg.ClientConfig);
    await admin.connect();
    await admin.query(`create database "${database}"`);
    await admin.end();
    const shadow = new PrismaPg({ ...config, database });
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const cleaner = new pg.Client({ ...config, Client: undefined } as pg.ClientConfig);
      await cleaner.connect();
      await cleaner.query(`drop database if exists "${database}" with (force)`);
      await cleaner.end();
    };
    return adapter;
  };
  return Object.assign(factory, { connectToShadowDb });
}

/** Adapter for the runtime client: a plain pool, sized per process. */
export function createRuntimeAdapter(url: string, max = 10) {
  return new PrismaPg({ connectionString: url, max });
}
