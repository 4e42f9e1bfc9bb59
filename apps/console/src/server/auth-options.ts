import { type AtriumEnv, createLogger, env } from '@atrium/config';
import { isAppError } from '@atrium/core';
import { authenticateWithPassword, type PrismaClient, signInWithOAuth } from '@atrium/db';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { authSecret } from './config.js';
import { db as defaultDb } from './db.js';
import { OAUTH_ERROR_NO_VERIFIED_EMAIL, type OAuthUser, oauthConfigWarnings, oauthProviders } from './oauth-providers.js';
import { clientIp } from './request-meta.js';

const log = createLogger('console-auth');
let warned = false;

/**
 * next-auth v4 with JWT sessions. Credentials sign-in goes through the
 * throttled `authenticateWithPassword`; its messages (e.g. "Too many failed
 * sign-ins…") reach the sign-in form as the `error` of `signIn()`.
 *
 * OAuth/OIDC providers (off unless configured, see oauth-providers.ts) run
 * without a next-auth adapter: the adapter's rule is "never link by email"
 * (or, with allowDangerousEmailAccountLinking, link by any email), while we
 * link by provider-verified email only and drop an unverified squatter's
 * password, so `signInWithOAuth` writes the Account rows itself. The JWT's
 * `sub` is then our user id, exactly as for password sign-in.
 */
export function authOptions(deps: { env?: AtriumEnv; db?: () => PrismaClient } = {}): NextAuthOptions {
  const e = deps.env ?? env();
  const db = deps.db ?? defaultDb;
  if (!warned) {
    warned = true;
    for (const w of oauthConfigWarnings(e)) log.warn(w);
  }
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
    ...oauthProviders(e),
  ];
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.type !== 'oauth') return true;
        const profile = user as Partial<OAuthUser>;
        try {
          const ours = await signInWithOAuth(db(), {
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: profile.email,
            emailVerified: profile.emailVerified === true,
            name: profile.name,
            image: profile.image,
          });
          // next-auth hands this same object to the jwt callback: from here
          // on the session is about our user, not the provider's subject.
          user.id = ours.id;
          return true;
        } catch (err) {
          if (isAppError(err) && err.code === 'FORBIDDEN') return `/signin?error=${OAUTH_ERROR_NO_VERIFIED_EMAIL}`;
          // next-auth would put a thrown message in the error page's URL; a
          // database error's text is for the log, not the browser.
          log.error({ err, provider: account.provider }, 'OAuth sign-in failed');
          return '/signin?error=OAuthCallback';
        }
      },
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
