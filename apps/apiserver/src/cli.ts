import { ConfigError, env } from '@atrium/config';
import { attachDatabase } from '@atrium/db';
import pg from 'pg';
import { createToken } from './auth/authn.js';
import { ClusterDirectory, ClusterExistsError } from './storage/clusters.js';
import { migrateApiserverSchema } from './storage/migrate.js';
import { Store } from './storage/store.js';

const USAGE = `usage: npm run apiserver -- <command>
  create-cluster <path> [--owner <user>]    create a logical cluster (e.g. root:acme:dev) directly in the database
  create-token <user> <path>[,<path>…] [--group <g>]…   issue a bearer token for those logical clusters (printed once)`;

function flag(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === name && args[i + 1] !== undefined) out.push(args[++i]!);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  // DATABASE_URL, or the embedded Postgres of a running `npm start` (started for the command otherwise).
  const database = await attachDatabase(env());
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const client = await pool.connect();
    try {
      await migrateApiserverSchema(client);
    } finally {
      client.release();
    }
    const store = new Store(pool);
    const clusters = new ClusterDirectory(pool, store);
    await clusters.ensureRoot();
    switch (command) {
      case 'create-cluster': {
        const path = args[0];
        if (!path) {
          console.error(USAGE);
          return 2;
        }
        const owner = flag(args, '--owner')[0];
        try {
          const cluster = await clusters.create(path, owner ? { owner } : {});
          console.log(`logical cluster ${cluster.path} created (name ${cluster.name})`);
        } catch (err) {
          if (err instanceof ClusterExistsError) {
            console.log(`logical cluster ${path} already exists`);
            return 0;
          }
          throw err;
        }
        return 0;
      }
      case 'create-token': {
        const [username, paths] = args;
        if (!username || !paths) {
          console.error(USAGE);
          return 2;
        }
        const token = await createToken(pool, { username, groups: flag(args, '--group'), clusters: paths.split(',') });
        console.log(token);
        return 0;
      }
      default:
        console.error(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } finally {
    await pool.end();
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    console.error((e as Error).message ?? e);
    process.exit(1);
  },
);
