import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'That email address is too long.')
  .pipe(z.email({ error: 'Enter a valid email address.' }));

// NIST 800-63B: length over composition rules; the upper bound keeps argon2 input sane.
export const newPasswordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')
  .refine((p) => p.trim().length > 0, 'The password cannot be only spaces.');

export const personNameSchema = z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.');
