import type { User } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../shared.js';

export async function getUser(db: DbOrTx, o: { userId: string }): Promise<User | null> {
  return db.user.findUnique({ where: { id: o.userId } });
}
