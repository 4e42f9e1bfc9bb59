import { changePassword } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZChangePasswordBody, ZChangePasswordResponse } from './change-password.types.js';

export const changePasswordRoute = defineRoute({
  method: 'POST',
  path: '/account/password',
  summary: 'Change the signed-in user’s password (other sessions end)',
  tag: 'account',
  auth: 'user',
  sessionOnly: true,
  body: ZChangePasswordBody,
  response: ZChangePasswordResponse,
  async handler({ db, user, body }) {
    const { changedAt } = await changePassword(db, { userId: user.id, currentPassword: body.currentPassword, newPassword: body.newPassword });
    return { changedAt: changedAt.toISOString() };
  },
});
