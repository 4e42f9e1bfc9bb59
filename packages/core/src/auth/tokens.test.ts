import { describe, expect, it } from 'vitest';
import { API_TOKEN_PREFIX, constantTimeEqual, generateApiToken, looksLikeApiToken, sha256Hex } from './tokens.js';

describe('API tokens', () => {
  it('are prefixed, 256-bit random and stored only as their SHA-256', () => {
    const t = generateApiToken();
    expect(t.token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(looksLikeApiToken(t.token)).toBe(true);
    expect(t.tokenHash).toBe(sha256Hex(t.token));
    expect(t.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.tokenHash).not.toContain(t.token.slice(API_TOKEN_PREFIX.length));
    expect(t.token.startsWith(t.prefix)).toBe(true);
    expect(t.prefix.length).toBeLessThan(t.token.length / 3);
  });

  it('never repeat', () => {
    const seen = new Set(Array.from({ length: 500 }, () => generateApiToken().token));
    expect(seen.size).toBe(500);
  });

  it('reject look-alikes before any lookup', () => {
    const { token } = generateApiToken();
    expect(looksLikeApiToken(`${token}x`)).toBe(false);
    expect(looksLikeApiToken(token.replace(API_TOKEN_PREFIX, 'atx_'))).toBe(false);
    expect(looksLikeApiToken('')).toBe(false);
  });

  it('hash deterministically (sha256 test vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compare in constant time, by value', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
