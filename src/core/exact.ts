/**
 * Exact arithmetic on doubles with bigint: the ground truth the quantizer falls back to near cell
 * boundaries (SPEC §1, "computed exactly for the input double"), and the oracle the properties
 * check against.
 */

/** A rational number num/den with den > 0. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const scratch = new DataView(new ArrayBuffer(8));

/** x = mantissa · 2^exponent exactly, for every finite double x (subnormals included). */
export function decompose(x: number): { mantissa: bigint; exponent: number } {
  if (!Number.isFinite(x)) throw new RangeError(`decompose: ${x} is not finite`);
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    fraction |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa: negative ? -fraction : fraction, exponent };
}

/** The exact rational value of a finite double. */
export function toRational(x: number): Rational {
  const { mantissa, exponent } = decompose(x);
  return exponent >= 0
    ? { num: mantissa << BigInt(exponent), den: 1n }
    : { num: mantissa, den: 1n << BigInt(-exponent) };
}

/** ⌊a/b⌋ for b > 0 (bigint division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** Compare two rationals: negative, zero or positive as a <, =, > b. */
export function compareRational(a: Rational, b: Rational): number {
  const lhs = a.num * b.den;
  const rhs = b.num * a.den;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
}

export function isPowerOfTwo(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** x · 2^e without intermediate overflow or underflow, exact whenever the result is normal. */
export function scaleByPowerOfTwo(x: number, e: number): number {
  let result = x;
  let remaining = e;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

/**
 * The double nearest to num/den (ties to even), for den > 0. Number(bigint) rounds correctly, so
 * the quotient is formed with at least 55 significant bits plus a sticky bit for the remainder.
 */
export function ratioToDouble(num: bigint, den: bigint): number {
  if (den <= 0n) throw new RangeError('ratioToDouble: denominator must be positive');
  if (num === 0n) return 0;
  const sign = num < 0n ? -1 : 1;
  const a = num < 0n ? -num : num;
  // log2(a/den) lies in (msb - 1, msb + 1).
  const msb = bitLength(a) - bitLength(den);
  if (msb < -1021) {
    // Possibly subnormal: round to an integer multiple of 2^-1074 directly.
    const scaledNum = a << 1074n;
    let q = scaledNum / den;
    const twiceRem = 2n * (scaledNum - q * den);
    if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) q += 1n;
    return sign * Number(q) * Number.MIN_VALUE;
  }
  const shift = 56 - msb;
  const scaledNum = shift >= 0 ? a << BigInt(shift) : a;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  const q = scaledNum / scaledDen;
  const sticky = scaledNum % scaledDen === 0n ? 0n : 1n;
  return sign * scaleByPowerOfTwo(Number((q << 1n) | sticky), -(shift + 1));
}
