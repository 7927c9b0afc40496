/**
 * Floating-point neighbourhoods: the next double up or down and the ulps of float64 and float32
 * values. Bit manipulation, no formula of the SPEC; used by the checker (float32 tolerance,
 * cell-boundary conformance vectors) and by the property oracle (inputs next to cell boundaries).
 */
const view = new DataView(new ArrayBuffer(8));

/** The next double after x towards +∞ (NaN and +∞ map to themselves). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The next double after x towards −∞. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The gap between |x| and the next double above it. */
export function ulp64(x: number): number {
  const a = Math.abs(x);
  return nextUp(a) - a;
}

/** The gap between |x| and the next float32 above it (2^-149 for the subnormal range). */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a < 2 ** -126) return 2 ** -149;
  const exponent = Math.floor(Math.log2(a));
  // log2 can be off by one just below a power of two: fix it exactly.
  const e = 2 ** exponent > a ? exponent - 1 : 2 ** (exponent + 1) <= a ? exponent + 1 : exponent;
  return 2 ** (e - 23);
}
