/** `npm run pricebook -- <command>`: the platform operator's price book tool (see price-book-command.ts). */
import { ConfigError, env } from '@atrium/config';
import { createPrismaClient } from '../client.js';
import { attachDatabase } from '../database.js';
import { PRICE_BOOK_USAGE, PriceBookCommandError, runPriceBookCommand } from '../repositories/price-book/price-book-command.js';

const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
  console.log(PRICE_BOOK_USAGE);
  process.exit(argv.length === 0 ? 2 : 0);
}
let code = 0;
try {
  const database = await attachDatabase(env());
  const prisma = createPrismaClient(database.url, 2);
  try {
    for (const line of await runPriceBookCommand(prisma, argv)) console.log(line);
  } catch (e) {
    if (e instanceof PriceBookCommandError) {
      console.error(`pricebook: ${e.message}\n\n${PRICE_BOOK_USAGE}`);
      code = 2;
    } else if ((e as { code?: string }).code === 'P2021') {
      console.error(
        `pricebook: the database at ${database.embedded ? 'ATRIUM_HOME' : 'DATABASE_URL'} has no Atrium schema yet: run \`npm start\` (or \`npm run db:migrate\`) first`,
      );
      code = 2;
    } else {
      throw e;
    }
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`pricebook: ${e.message}`);
  code = 2;
}
process.exit(code);
