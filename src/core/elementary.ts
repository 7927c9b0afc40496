/**
 * qle's own sin, cos, sin(πx), cos(πx) and exp: the elementary functions of the built-in objectives'
 * gradients.
 *
 * Why not Math.sin: V8 does not promise which libm it uses (Node 20 runs fdlibm; later V8s switch
 * trigonometry to glibc's), so a gradient built on Math.* can change in the last bit between Node
 * versions, and a WebAssembly kernel cannot reproduce it. These functions use only +, −, ×, /,
 * floor-free rounding by a shift constant and bit reads, each exact or correctly rounded IEEE-754,
 * in a fixed order without fused multiply-adds. The SIMD twins in src/wasm/assembly/elementary.ts
 * perform the same operations in the same order, so both give the same bits for every input
 * (tested); the constants below are the single source of both (src/wasm/build.ts writes them into
 * the assembly).
 *
 * Accuracy (checked against Math.* in the tests): about 1 ulp for |x| up to 2^20 (sin, cos; the
 * π-scaled forms have an exact reduction, so for all |x| < 2^50) and over the whole range of exp.
 * Beyond, the reduction is no longer exact; the result is still a deterministic number in [−1, 1]
 * (the objectives never evaluate there: the simulations' divergence guard freezes a run first).
 *
 * Method. x = k·π + r with k the nearest integer to x/π (cos: the nearest half-integer), r = x − k·π
 * in three parts (Cody–Waite: k·P1 and k·P2 are exact); sin(πv): v = k + f exactly, r = π·f. Then
 * sin = (−1)^k·S(r) with S the Taylor polynomial of sin to degree 21 on |r| ≤ π/2 (truncation
 * below 2^−59, evaluated by Estrin's scheme), the parity of k read from the rounding sum's last bit. exp: x = k·ln 2 + r, e^r by
 * Taylor to degree 13 on |r| ≤ ln2/2, times 2^k in two exact halves.
 */

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);
const low = new Uint32Array(bits.buffer);
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('qle elementary functions assume a little-endian platform');

/** x with its lowest `drop` significand bits cleared (so small integer multiples of it are exact). */
function truncateSignificand(x: number, drop: number): number {
  bits[0] = x;
  words[0] &= ~((1n << BigInt(drop)) - 1n);
  return bits[0];
}

/** 1/n! correctly rounded: n! is an exact double up to n = 22, and one division rounds once. */
function inverseFactorial(n: number): number {
  let factorial = 1;
  for (let i = 2; i <= n; i++) factorial *= i;
  return 1 / factorial;
}

/** Round-to-nearest-even of |v| < 2^51 by adding and subtracting 1.5·2^52 (identical in wasm). */
export const ROUNDING_SHIFT = 6755399441055744;

export const INV_PI = 1 / Math.PI;
export const PI = Math.PI;
/** π = PI_1 + PI_2 + PI_3: PI_1 keeps 30 significant bits, PI_2 = Math.PI − PI_1 the other 23. */
export const PI_1 = truncateSignificand(Math.PI, 23);
export const PI_2 = Math.PI - PI_1;
/** π − Math.PI rounded to a double (verified against 50 digits of π in the tests). */
export const PI_3 = 1.2246467991473532e-16;

/** Coefficients of sin: SIN_COEFFICIENTS[j] = (−1)^j / (2j+1)!, j = 1 … 10 (the x term is exact). */
export const SIN_COEFFICIENTS: readonly number[] = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1 : 1) * inverseFactorial(2 * i + 3));

export const LOG2E = Math.LOG2E;
/** ln 2 = LN2_1 + LN2_2: LN2_1 keeps 32 significant bits (k·LN2_1 exact for |k| < 2^21). */
export const LN2_1 = truncateSignificand(Math.LN2, 21);
/** (Math.LN2 − LN2_1) + (ln 2 − Math.LN2), the latter verified against 50 digits of ln 2 in the tests. */
export const LN2_2 = Math.LN2 - LN2_1 + 2.3190468138462996e-17;
/** Coefficients of exp: EXP_COEFFICIENTS[j] = 1/j!, j = 0 … 13. */
export const EXP_COEFFICIENTS: readonly number[] = Array.from({ length: 14 }, (_, j) => inverseFactorial(j));
/** exp's argument is clamped to ±EXP_CLAMP first: e^±800 is already 0 or ∞. */
export const EXP_CLAMP = 800;

const [S3, S5, S7, S9, S11, S13, S15, S17, S19, S21] = SIN_COEFFICIENTS;
const [E0, E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13] = EXP_COEFFICIENTS;

/**
 * S(r) = sin r for |r| ≤ π/2 (a few ulps beyond is fine): r + r·z·P(z), z = r², with P of degree 9
 * in z evaluated by Estrin's scheme (pairs, then powers z², z⁴, z⁸): a dependency chain of 6
 * multiply-adds instead of Horner's 9, which is what bounded the SIMD kernel's speed.
 */
function sinPolynomial(r: number): number {
  const z = r * r;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z8 = z4 * z4;
  const q01 = S3 + z * S5;
  const q23 = S7 + z * S9;
  const q45 = S11 + z * S13;
  const q67 = S15 + z * S17;
  const q89 = S19 + z * S21;
  const p = q01 + z2 * q23 + z4 * (q45 + z2 * q67) + z8 * q89;
  return r + r * z * p;
}

/**
 * (−1)^k · s, where t = v + ROUNDING_SHIFT is the sum whose last significand bit is the parity of
 * k = t − ROUNDING_SHIFT (the wasm twin shifts that bit into the sign and xors).
 */
function signByParity(t: number, s: number): number {
  bits[0] = t;
  return low[0] & 1 ? -s : s;
}

/** sin x. */
export function sin(x: number): number {
  const t = x * INV_PI + ROUNDING_SHIFT;
  const k = t - ROUNDING_SHIFT;
  const r = x - k * PI_1 - k * PI_2 - k * PI_3;
  return signByParity(t, sinPolynomial(r));
}

/** cos x = −(−1)^j · sin(x − (j + ½)·π), j the nearest integer to x/π − ½. */
export function cos(x: number): number {
  const t = x * INV_PI - 0.5 + ROUNDING_SHIFT;
  const m = t - ROUNDING_SHIFT + 0.5;
  const r = x - m * PI_1 - m * PI_2 - m * PI_3;
  return -signByParity(t, sinPolynomial(r));
}

/** sin(π·v): v = k + f with f = v − k exact, |f| ≤ ½. */
export function sinPi(v: number): number {
  const t = v + ROUNDING_SHIFT;
  const f = v - (t - ROUNDING_SHIFT);
  return signByParity(t, sinPolynomial(f * PI));
}

/** cos(π·v) = −(−1)^j · sin(π·(v − ½ − j)), j the nearest integer to v − ½. */
export function cosPi(v: number): number {
  const u = v - 0.5;
  const t = u + ROUNDING_SHIFT;
  const f = u - (t - ROUNDING_SHIFT);
  return -signByParity(t, sinPolynomial(f * PI));
}

/** 2^e for e in [−1022, 1023], exact (built by doubling/halving once). */
const POWERS_OF_TWO = new Float64Array(2046);
{
  POWERS_OF_TWO[1022] = 1;
  for (let e = 1; e <= 1023; e++) POWERS_OF_TWO[1022 + e] = POWERS_OF_TWO[1021 + e] * 2;
  for (let e = 1; e <= 1022; e++) POWERS_OF_TWO[1022 - e] = POWERS_OF_TWO[1023 - e] * 0.5;
}

/** e^x. */
export function exp(x: number): number {
  const clamped = Math.min(Math.max(x, -EXP_CLAMP), EXP_CLAMP);
  const k = clamped * LOG2E + ROUNDING_SHIFT - ROUNDING_SHIFT;
  const r = clamped - k * LN2_1 - k * LN2_2;
  let p = E13;
  p = E12 + r * p;
  p = E11 + r * p;
  p = E10 + r * p;
  p = E9 + r * p;
  p = E8 + r * p;
  p = E7 + r * p;
  p = E6 + r * p;
  p = E5 + r * p;
  p = E4 + r * p;
  p = E3 + r * p;
  p = E2 + r * p;
  p = E1 + r * p;
  p = E0 + r * p;
  // 2^k as 2^k1 · 2^k2, each a normal double for |k| ≤ 1155; NaN gives k = 0 (p is NaN anyway).
  const whole = k | 0;
  const k1 = whole >> 1;
  const k2 = whole - k1;
  return p * POWERS_OF_TWO[k1 + 1022] * POWERS_OF_TWO[k2 + 1022];
}
