import { AppError, hashPassword } from '@atrium/core';
import type { User } from '../../generated/prisma/client.js';
import { acceptInvitationInTx, findUsableInvitation } from '../invitations/accept-invitation.js';
import { type Db, isUniqueViolation, normaliseEmail } from '../shared.js';
import { issueOneTimeToken } from './one-time-tokens.js';

export interface CreateUserWithPasswordOptions {
  email: string;
  name: string;
  password: string;
  ip?: string | null;
  /** Signing up through an invitation link: the link proves the address. */
  invitation?: { token: string; secret: string } | undefined;
}

export interface CreatedUser {
  user: User;
  /** Set when the address still needs verifying: mail it. */
  verificationToken: string | null;
  /** Slug of the org joined through the invitation, if any. */
  joinedOrgSlug: string | null;
}

export async function createUserWithPassword(db: Db, o: CreateUserWithPasswordOptions): Promise<CreatedUser> {
  const email = normaliseEmail(o.email);
  // Hash outside the transaction: argon2 takes tens of milliseconds.
  const passwordHash = await hashPassword(o.password);
  try {
    return await db.$transaction(async (tx) => {
      const invitation = o.invitation ? await findUsableInvitation(tx, o.invitation) : null;
      if (invitation && normaliseEmail(invitation.email) !== email) {
        throw new AppError('VALIDATION_FAILED', `This invitation is for ${invitation.email}. Sign up with that address.`, {
          details: { fields: { email: ['Use the address the invitation was sent to.'] } },
        });
      }
      const user = await tx.user.create({ data: { email, name: o.name.trim(), passwordHash, emailVerified: invitation ? new Date() : null } });
      if (invitation) {
        const org = await acceptInvitationInTx(tx, { invitation, user, ip: o.ip ?? null });
        return { user, verificationToken: null, joinedOrgSlug: org.slug };
      }
      const verificationToken = await issueOneTimeToken(tx, { identifier: email, purpose: 'verify-email' });
      return { user, verificationToken, joinedOrgSlug: null };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'email')) {
      throw new AppError('CONFLICT', 'An account with this email already exists. Sign in, or reset your password.', {
        details: { fields: { email: ['An account with this email already exists.'] } },
      });
    }
    throw e;
  }
}
