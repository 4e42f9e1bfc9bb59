import { isAppError } from '@atrium/core';
import { authenticateWithPassword } from '@atrium/db';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authSecret } from './config.js';
import { db } from './db.js';
import { clientIp } from './request-meta.js';

/**
 * next-auth v4 with JWT sessions. Credentials sign-in goes through the
 * throttled `authenticateWithPassword`; its messages (e.g. "Too many failed
 * sign-ins…") reach the sign-in form as the `error` of `signIn()`.
 */
export function authOptions(): NextAuthOptions {
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const email = typeof credentials?.email === 'string' ? credentials.email : '';
        const password = typeof credentials?.password === 'string' ? credentials.password : '';
        if (!email || !password || email.length > 254 || password.length > 200) return null;
        try {
          const user = await authenticateWithPassword(db(), { email, password, ip: clientIp(req?.headers ?? {}) });
          return { id: user.id, email: user.email, name: user.name };
        } catch (err) {
          if (isAppError(err) && err.code === 'UNAUTHENTICATED') return null;
          if (isAppError(err) && err.code === 'TOO_MANY_REQUESTS') throw new Error(err.message);
          throw err;
        }
      },
    }),
  ];
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers,
    callbacks: {
      async jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
