/**
 * Exact Kubernetes resource quantities ("500m", "1.5", "1Gi", "1e3", …).
 *
 * A quantity is kept as an exact rational number (numerator / denominator, both
 * BigInt), so nothing is lost between the manifest and the price. Conversion to
 * integer milli-units or units rounds UP, as Kubernetes does (`Quantity.MilliValue`
 * and `Quantity.Value` take the ceiling, and the API server canonicalises "1.5m"
 * CPU to "2m"), so a priced request is never smaller than what the scheduler reserves.
 */

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(input)}: ${reason}`);
  }
}

/** An exact rational value; `denominator > 0` and the fraction is fully reduced. */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

// The grammar of k8s.io/apimachinery/pkg/api/resource: <sign><digits>[.<digits>]<suffix>
// where the suffix is a binary SI prefix, a decimal SI prefix or an e/E exponent.
// A lone "E" is exa; "E3" is an exponent; the regex's backtracking handles both.
const QUANTITY_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

// Bounds keep a hostile "1e999999999" from building a gigantic BigInt at admission.
const MAX_INPUT_LENGTH = 64;
const MAX_ABS_EXPONENT = 64;

const BINARY_SHIFT: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_EXPONENT: Record<string, number> = { m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

/** Builds a reduced quantity; throws on a zero denominator. */
export function quantityOf(numerator: bigint, denominator = 1n): Quantity {
  if (denominator === 0n) throw new RangeError('quantity denominator must not be zero');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

/** Parses any Kubernetes quantity string exactly; throws `QuantityError` on malformed input. */
export function parseQuantity(text: string): Quantity {
  if (typeof text !== 'string') throw new QuantityError(String(text), 'expected a string');
  if (text.length === 0) throw new QuantityError(text, 'empty string');
  if (text.length > MAX_INPUT_LENGTH) throw new QuantityError(text.slice(0, MAX_INPUT_LENGTH), `longer than ${MAX_INPUT_LENGTH} characters`);
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) throw new QuantityError(text, 'expected a number with an optional suffix (m, k, M, G, Ki, Mi, Gi, …, or e<exponent>)');
  const [, sign = '', number = '', suffix = ''] = match;

  const [wholeDigits = '', fractionDigits = ''] = number.split('.');
  let numerator = BigInt((wholeDigits || '0') + fractionDigits);
  let denominator = 10n ** BigInt(fractionDigits.length);
  if (sign === '-') numerator = -numerator;

  const shift = BINARY_SHIFT[suffix];
  if (shift !== undefined) {
    numerator <<= shift;
  } else if (suffix !== '') {
    const exponent = DECIMAL_EXPONENT[suffix] ?? Number(suffix.slice(1));
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_ABS_EXPONENT) {
      throw new QuantityError(text, `exponent out of range (±${MAX_ABS_EXPONENT})`);
    }
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  return quantityOf(numerator, denominator);
}

/** Ceiling division for a positive divisor. */
function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

/** The value × 1000, rounded up (Kubernetes `MilliValue`). */
export function quantityToMillis(quantity: Quantity): bigint {
  return ceilDiv(quantity.numerator * 1000n, quantity.denominator);
}

/** The value rounded up to a whole unit (Kubernetes `Value`). */
export function quantityToUnits(quantity: Quantity): bigint {
  return ceilDiv(quantity.numerator, quantity.denominator);
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

function requireNonNegative(text: string, quantity: Quantity): Quantity {
  if (quantity.numerator < 0n) throw new QuantityError(text, 'must not be negative');
  return quantity;
}

/** A CPU quantity ("500m", "2", "1.5") as integer milli-CPU, rounded up; negative values are rejected. */
export function parseCpuMillis(text: string): bigint {
  return quantityToMillis(requireNonNegative(text, parseQuantity(text)));
}

/** A memory or storage quantity ("512Mi", "1G", "1e9") as integer bytes, rounded up; negative values are rejected. */
export function parseBytes(text: string): bigint {
  return quantityToUnits(requireNonNegative(text, parseQuantity(text)));
}

/** Canonical CPU text: whole cores as "2", anything else as "1500m". */
export function formatCpuMillis(millis: bigint): string {
  return millis % 1000n === 0n ? `${millis / 1000n}` : `${millis}m`;
}

const BINARY_SUFFIXES: readonly [string, bigint][] = [
  ['Ei', 60n],
  ['Pi', 50n],
  ['Ti', 40n],
  ['Gi', 30n],
  ['Mi', 20n],
  ['Ki', 10n],
];

/** Canonical byte text: the largest binary suffix that divides exactly ("1536Mi", "1Gi"), else plain bytes. */
export function formatBytes(bytes: bigint): string {
  if (bytes !== 0n) {
    for (const [suffix, shift] of BINARY_SUFFIXES) {
      const unit = 1n << shift;
      if (bytes % unit === 0n) return `${bytes / unit}${suffix}`;
    }
  }
  return `${bytes}`;
}
