/**
 * Money is integer micro-dollars (1 USD = 1,000,000 micros) held as BigInt. This file is
 * the only place where money is rounded for display.
 */

export const MICROS_PER_DOLLAR = 1_000_000n;
const MICROS_PER_CENT = 10_000n;

/**
 * Round half up (towards +∞ at exactly .5) of `numerator / denominator`, for a positive
 * denominator. The single rounding rule used for every price in core.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const twice = 2n * numerator + denominator;
  const twiceDenominator = 2n * denominator;
  // floor((2n + d) / 2d) = floor(n/d + 1/2)
  const quotient = twice / twiceDenominator;
  return twice % twiceDenominator < 0n ? quotient - 1n : quotient;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Formats micro-dollars for people: "$1.00", "$12,345.67", "-$4.50".
 * Amounts of a cent or more are rounded half up to the cent. Smaller non-zero amounts
 * are shown exactly ("$0.001", "$0.000005") so a cheap object never reads as "$0.00".
 */
export function formatMicros(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const magnitude = micros < 0n ? -micros : micros;
  if (magnitude !== 0n && magnitude < MICROS_PER_CENT) {
    const fraction = magnitude.toString().padStart(6, '0').replace(/0+$/, '').padEnd(2, '0');
    return `${sign}$0.${fraction}`;
  }
  const cents = divideRoundHalfUp(magnitude, MICROS_PER_CENT);
  const dollars = cents / 100n;
  const remainder = (cents % 100n).toString().padStart(2, '0');
  return `${sign}$${groupThousands(dollars.toString())}.${remainder}`;
}

/** "$1.00/mo": a monthly price or run-rate. */
export function formatMonthlyMicros(micros: bigint): string {
  return `${formatMicros(micros)}/mo`;
}

/**
 * Parses a decimal dollar amount ("1", "1.00", "0.001", "12,345.67") into micro-dollars,
 * exactly; more than six decimals is an error rather than a silent rounding.
 */
export function parseDollarsToMicros(text: string): bigint {
  const match = /^(-?)\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,6}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`invalid dollar amount ${JSON.stringify(text)} (at most 6 decimals)`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const micros = BigInt(whole.replaceAll(',', '')) * MICROS_PER_DOLLAR + BigInt(fraction.padEnd(6, '0') || '0');
  return sign === '-' ? -micros : micros;
}
