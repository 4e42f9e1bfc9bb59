import { z } from 'zod';

/**
 * Org and team slugs become segments of kcp paths (`root:<org>:<team>`), so
 * they are DNS labels: lower-case letters, digits and dashes, starting with a
 * letter, at most 40 characters. Some words are reserved for routes.
 */
export const RESERVED_SLUGS = new Set(['new', 'api', 'admin', 'root', 'system', 'settings', 'platform', 'o', 'orgs', 'kcp', 'default']);

export const slugSchema = z
  .string()
  .trim()
  .min(2, 'Use at least 2 characters.')
  .max(40, 'Use at most 40 characters.')
  .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, 'Use lower-case letters, digits and dashes; start with a letter and end with a letter or digit.')
  .refine((s) => !s.includes('--'), 'Do not use two dashes in a row.');

export const orgSlugSchema = slugSchema.refine((s) => !RESERVED_SLUGS.has(s), 'That name is reserved: choose another.');

export const displayNameSchema = z.string().trim().min(1, 'Enter a name.').max(80, 'Use at most 80 characters.');

/** A suggestion for the slug field as someone types a name. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^[0-9-]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s;
}
