import { parseEnv } from '@atrium/config';
import { describe, expect, it } from 'vitest';
import { oauthButtons, oauthConfigWarnings, oauthProviders, verifiedGithubEmail } from './oauth-providers.js';

const GITHUB = { ATRIUM_GITHUB_CLIENT_ID: 'gh-id', ATRIUM_GITHUB_CLIENT_SECRET: 'gh-secret' };
const OIDC = { ATRIUM_OIDC_ISSUER: 'https://idp.example.test/realms/acme', ATRIUM_OIDC_CLIENT_ID: 'oidc-id', ATRIUM_OIDC_CLIENT_SECRET: 'oidc-secret' };
const ids = (source: Record<string, string>) => oauthProviders(parseEnv(source)).map((p) => p.id);

describe('OAuth/OIDC providers follow the environment', () => {
  it('are all off by default', () => {
    expect(ids({})).toEqual([]);
    expect(oauthButtons(parseEnv({}))).toEqual([]);
    expect(oauthConfigWarnings(parseEnv({}))).toEqual([]);
  });

  it('turn GitHub on with its id and secret, OIDC with issuer, id and secret', () => {
    expect(ids(GITHUB)).toEqual(['github']);
    expect(ids(OIDC)).toEqual(['oidc']);
    expect(ids({ ...GITHUB, ...OIDC })).toEqual(['github', 'oidc']);
    expect(oauthButtons(parseEnv({ ...OIDC, ATRIUM_OIDC_NAME: 'Acme SSO' }))).toEqual([{ id: 'oidc', name: 'Acme SSO' }]);
  });

  it('leave a half-configured provider off and say which variable is missing', () => {
    expect(ids({ ATRIUM_GITHUB_CLIENT_ID: 'gh-id' })).toEqual([]);
    expect(ids({ ATRIUM_OIDC_ISSUER: OIDC.ATRIUM_OIDC_ISSUER, ATRIUM_OIDC_CLIENT_ID: 'oidc-id' })).toEqual([]);
    // Empty strings mean "unset" (parseEnv), so `ATRIUM_GITHUB_CLIENT_SECRET=` does not switch GitHub on.
    expect(ids({ ...GITHUB, ATRIUM_GITHUB_CLIENT_SECRET: '' })).toEqual([]);
    expect(oauthConfigWarnings(parseEnv({ ATRIUM_OIDC_CLIENT_SECRET: 's' }))).toEqual([
      'OIDC sign-in is off: set all of ATRIUM_OIDC_ISSUER, ATRIUM_OIDC_CLIENT_ID, ATRIUM_OIDC_CLIENT_SECRET (missing ATRIUM_OIDC_ISSUER, ATRIUM_OIDC_CLIENT_ID).',
    ]);
  });

  it('discover the OIDC issuer from its well-known document and check the id_token', () => {
    const [p] = oauthProviders(parseEnv({ ...OIDC, ATRIUM_OIDC_ISSUER: 'https://idp.example.test/' }));
    expect(p?.wellKnown).toBe('https://idp.example.test/.well-known/openid-configuration');
    expect(p?.issuer).toBe('https://idp.example.test/');
    expect(p?.idToken).toBe(true);
    expect(p?.checks).toEqual(['pkce', 'state', 'nonce']);
  });
});

describe('provider profiles carry whether the email is verified', () => {
  it('OIDC: only email_verified true (or "true") counts', async () => {
    const [p] = oauthProviders(parseEnv(OIDC));
    // Awaitable: wrapped so a thrown parse error is a rejection, like a slow profile.
    const profile = async (claims: Record<string, unknown>) => p!.profile(claims, {} as never);
    await expect(profile({ sub: 's1', email: 'a@x.test', email_verified: true, name: 'A' })).resolves.toMatchObject({
      id: 's1',
      email: 'a@x.test',
      emailVerified: true,
    });
    await expect(profile({ sub: 's1', email: 'a@x.test', email_verified: 'true' })).resolves.toMatchObject({ emailVerified: true });
    await expect(profile({ sub: 's1', email: 'a@x.test', email_verified: false })).resolves.toMatchObject({ emailVerified: false });
    await expect(profile({ sub: 's1', email: 'a@x.test' })).resolves.toMatchObject({ emailVerified: false });
    await expect(profile({ email: 'no-subject@x.test' })).rejects.toThrow();
  });

  it('GitHub: the primary address, and only when GitHub marks it verified', async () => {
    expect(
      verifiedGithubEmail([
        { email: 'other@x.test', primary: false, verified: true },
        { email: 'main@x.test', primary: true, verified: true },
      ]),
    ).toBe('main@x.test');
    expect(verifiedGithubEmail([{ email: 'main@x.test', primary: true, verified: false }])).toBeNull();
    expect(verifiedGithubEmail([])).toBeNull();
    const [p] = oauthProviders(parseEnv(GITHUB));
    await expect(
      Promise.resolve(p!.profile({ id: 7, login: 'octo', email: 'public@x.test', atrium_verified_email: null }, {} as never)),
    ).resolves.toMatchObject({
      id: '7',
      name: 'octo',
      email: null,
      emailVerified: false,
    });
    await expect(
      Promise.resolve(p!.profile({ id: 7, login: 'octo', name: 'Octo Cat', atrium_verified_email: 'main@x.test' }, {} as never)),
    ).resolves.toMatchObject({
      name: 'Octo Cat',
      email: 'main@x.test',
      emailVerified: true,
    });
  });
});
