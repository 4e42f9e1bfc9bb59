import type { AtriumEnv } from '@atrium/config';
import type { User } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';

/**
 * Optional OAuth/OIDC sign-in, off by default: GitHub when
 * ATRIUM_GITHUB_CLIENT_ID and _SECRET are set, a generic OpenID Connect issuer
 * when ATRIUM_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET are set. A provider
 * with only some of its variables is left off (and reported by
 * `oauthConfigWarnings`), so a half-finished setup never breaks password sign-in.
 *
 * Each provider's profile says whether the provider vouches for the email
 * address (`emailVerified`); accounts are linked by address only then
 * (`signInWithOAuth` in @atrium/db).
 */
export interface OAuthUser extends User {
  email: string | null;
  emailVerified: boolean;
}

/** The `?error=` code the sign-in page shows as "no verified email address". */
export const OAUTH_ERROR_NO_VERIFIED_EMAIL = 'OAuthNoVerifiedEmail';

export interface OAuthButton {
  id: string;
  name: string;
}

const githubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));
type GithubEmails = z.infer<typeof githubEmails>;

const githubProfile = z.object({
  id: z.union([z.number(), z.string()]),
  login: z.string(),
  name: z.string().nullish(),
  avatar_url: z.string().nullish(),
  /** Added by our userinfo request: the primary address, only if GitHub marks it verified. */
  atrium_verified_email: z.string().nullish(),
});

/**
 * GitHub's `/user` email is whatever the person made public and says nothing
 * about verification; `/user/emails` (scope `user:email`) does. Only the
 * primary address counts, and only when verified: that is the one GitHub
 * itself mails.
 */
export function verifiedGithubEmail(emails: GithubEmails): string | null {
  return emails.find((e) => e.primary && e.verified)?.email ?? null;
}

const oidcClaims = z.object({
  sub: z.string().min(1),
  email: z.string().nullish(),
  // Some issuers send the boolean as a string.
  email_verified: z.union([z.boolean(), z.enum(['true', 'false'])]).nullish(),
  name: z.string().nullish(),
  preferred_username: z.string().nullish(),
  picture: z.string().nullish(),
});

function github(clientId: string, clientSecret: string): OAuthConfig<Record<string, unknown>> {
  return {
    id: 'github',
    name: 'GitHub',
    type: 'oauth',
    clientId,
    clientSecret,
    authorization: { url: 'https://github.com/login/oauth/authorize', params: { scope: 'read:user user:email' } },
    token: 'https://github.com/login/oauth/access_token',
    userinfo: {
      url: 'https://api.github.com/user',
      async request({ client, tokens }) {
        const accessToken = tokens.access_token ?? '';
        const profile = await client.userinfo(accessToken);
        const res = await fetch('https://api.github.com/user/emails', {
          headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'atrium-console' },
        });
        const emails = res.ok ? githubEmails.safeParse(await res.json()) : null;
        return { ...profile, atrium_verified_email: emails?.success ? verifiedGithubEmail(emails.data) : null };
      },
    },
    profile(raw) {
      const p = githubProfile.parse(raw);
      const user: OAuthUser = {
        id: String(p.id),
        name: p.name ?? p.login,
        email: p.atrium_verified_email ?? null,
        image: p.avatar_url ?? null,
        emailVerified: !!p.atrium_verified_email,
      };
      return user;
    },
    checks: ['state'],
  };
}

function oidc(issuer: string, clientId: string, clientSecret: string, name: string): OAuthConfig<Record<string, unknown>> {
  return {
    id: 'oidc',
    name,
    type: 'oauth',
    issuer,
    wellKnown: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    // The profile comes from the signature-checked id_token (issuer, audience,
    // expiry and nonce verified by openid-client), not a second HTTP call.
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    profile(raw) {
      const c = oidcClaims.parse(raw);
      const user: OAuthUser = {
        id: c.sub,
        name: c.name ?? c.preferred_username ?? null,
        email: c.email ?? null,
        image: c.picture ?? null,
        emailVerified: c.email_verified === true || c.email_verified === 'true',
      };
      return user;
    },
  };
}

/** The OAuth providers the environment switches on, in button order. */
export function oauthProviders(e: AtriumEnv): Array<OAuthConfig<Record<string, unknown>>> {
  const out: Array<OAuthConfig<Record<string, unknown>>> = [];
  if (e.ATRIUM_GITHUB_CLIENT_ID && e.ATRIUM_GITHUB_CLIENT_SECRET) out.push(github(e.ATRIUM_GITHUB_CLIENT_ID, e.ATRIUM_GITHUB_CLIENT_SECRET));
  if (e.ATRIUM_OIDC_ISSUER && e.ATRIUM_OIDC_CLIENT_ID && e.ATRIUM_OIDC_CLIENT_SECRET) {
    out.push(oidc(e.ATRIUM_OIDC_ISSUER, e.ATRIUM_OIDC_CLIENT_ID, e.ATRIUM_OIDC_CLIENT_SECRET, e.ATRIUM_OIDC_NAME));
  }
  return out;
}

/** What the sign-in page needs to draw buttons: no secrets cross to the client. */
export function oauthButtons(e: AtriumEnv): OAuthButton[] {
  return oauthProviders(e).map((p) => ({ id: p.id, name: p.name }));
}

/** Providers with some but not all of their variables set: most likely a typo. */
export function oauthConfigWarnings(e: AtriumEnv): string[] {
  const groups: Array<[string, Array<keyof AtriumEnv>]> = [
    ['GitHub', ['ATRIUM_GITHUB_CLIENT_ID', 'ATRIUM_GITHUB_CLIENT_SECRET']],
    ['OIDC', ['ATRIUM_OIDC_ISSUER', 'ATRIUM_OIDC_CLIENT_ID', 'ATRIUM_OIDC_CLIENT_SECRET']],
  ];
  return groups
    .filter(([, vars]) => vars.some((v) => e[v] !== undefined) && !vars.every((v) => e[v] !== undefined))
    .map(([name, vars]) => `${name} sign-in is off: set all of ${vars.join(', ')} (missing ${vars.filter((v) => e[v] === undefined).join(', ')}).`);
}
