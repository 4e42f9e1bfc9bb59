import { AppError, hashPassword, verifyPassword } from '@atrium/core';
import type { Db } from '../shared.js';

export async function changePassword(db: Db, o: { userId: string; currentPassword: string; newPassword: string; now?: Date }): Promise<{ changedAt: Date }> {
  const user = await db.user.findUnique({ where: { id: o.userId } });
  if (!user) throw AppError.notFound('User');
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, o.currentPassword))) {
    throw new AppError('VALIDATION_FAILED', 'Your current password is not correct.', {
      details: { fields: { currentPassword: ['This is not your current password.'] } },
    });
  }
  if (o.currentPassword === o.newPassword) {
    throw new AppError('VALIDATION_FAILED', 'Choose a password different from the current one.', {
      details: { fields: { newPassword: ['Choose a different password.'] } },
    });
  }
  // Second precision: JWT `iat` is in whole seconds, and a session issued in
  // the same second as the change must stay valid for the person who changed it.
  const changedAt = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(o.newPassword), passwordChangedAt: changedAt } });
  return { changedAt };
}
