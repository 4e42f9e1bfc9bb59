/**
 * Dollars typed into a form → integer micro-dollars for the API, by string arithmetic (no
 * float ever touches money). "" → null (no budget). Throws a message for anything else.
 * (core's `parseDollarsToMicros` does the same on the server; core is not bundled for browsers.)
 */
export function dollarsToMicros(text: string): string | null {
  const t = text.trim().replace(/^\$/, '').replaceAll(',', '');
  if (t === '') return null;
  const m = /^(\d{1,12})(?:\.(\d{0,6}))?$/.exec(t);
  if (!m) throw new Error('Enter an amount in dollars, e.g. 20 or 19.99 (at most 6 decimals).');
  const micros = BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
  return micros.toString();
}

/** Micro-dollars → the plain dollar amount shown in an input ("20", "19.99", "0.001"). */
export function microsToDollars(micros: string | null): string {
  if (micros === null) return '';
  const v = BigInt(micros);
  const whole = v / 1_000_000n;
  const frac = (v % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}
