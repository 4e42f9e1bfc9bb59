import { describe, expect, it } from 'vitest';
import { orgSlugSchema, slugify } from './slug.js';

describe('slugs', () => {
  it('accept DNS labels', () => {
    for (const ok of ['acme', 'acme-corp', 'a1', 'team-42']) expect(orgSlugSchema.safeParse(ok).success).toBe(true);
  });

  it('refuse what cannot be a kcp path segment, and reserved words', () => {
    for (const bad of ['A', 'Acme', '1acme', 'acme-', '-acme', 'ac--me', 'ac_me', 'a'.repeat(41), 'new', 'api', 'root']) {
      expect(orgSlugSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('suggests a valid slug from a name', () => {
    expect(slugify('Acme Corp.')).toBe('acme-corp');
    expect(slugify('Ünïcode Ørg')).toBe('unicode-rg');
    expect(slugify('42 Things')).toBe('things');
    expect(orgSlugSchema.safeParse(slugify('Café del Mar')).success).toBe(true);
  });
});
