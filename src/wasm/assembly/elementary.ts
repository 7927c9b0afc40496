/**
 * sin, cos and exp on two lanes: the SIMD twins of src/core/elementary.ts, which defines them and
 * documents the method. Same operations in the same order, so every lane gives the bits the JS
 * function gives; the constants come from there (constants.ts is generated). Constants are loaded
 * from the static table where they are used: V8 rebuilds a v128 literal on every loop iteration.
 */
import {
  EXP_CLAMP_HIGH, EXP_CLAMP_LOW, EXP_E0, EXP_E1, EXP_E10, EXP_E11, EXP_E12, EXP_E13, EXP_E2, EXP_E3, EXP_E4, EXP_E5, EXP_E6, EXP_E7,
  EXP_E8, EXP_E9, HALF, INV_PI, LN2_1, LN2_2, LOG2E, PI, PI_1, PI_2, PI_3, ROUNDING_SHIFT, SIGN_BIT, SIN_S11, SIN_S13, SIN_S15, SIN_S17,
  SIN_S19, SIN_S21, SIN_S3, SIN_S5, SIN_S7, SIN_S9,
} from './constants';

/** sin r for |r| ≤ π/2 (sinPolynomial: Estrin's scheme, the same operations in the same order). */
// @ts-ignore: decorator
@inline function sinPolynomial(r: v128): v128 {
  const z = f64x2.mul(r, r);
  const z2 = f64x2.mul(z, z);
  const z4 = f64x2.mul(z2, z2);
  const z8 = f64x2.mul(z4, z4);
  const q01 = f64x2.add(SIN_S3(), f64x2.mul(z, SIN_S5()));
  const q23 = f64x2.add(SIN_S7(), f64x2.mul(z, SIN_S9()));
  const q45 = f64x2.add(SIN_S11(), f64x2.mul(z, SIN_S13()));
  const q67 = f64x2.add(SIN_S15(), f64x2.mul(z, SIN_S17()));
  const q89 = f64x2.add(SIN_S19(), f64x2.mul(z, SIN_S21()));
  const p = f64x2.add(f64x2.add(f64x2.add(q01, f64x2.mul(z2, q23)), f64x2.mul(z4, f64x2.add(q45, f64x2.mul(z2, q67)))), f64x2.mul(z8, q89));
  return f64x2.add(r, f64x2.mul(f64x2.mul(r, z), p));
}

/** (−1)^k · s where t = v + ROUNDING_SHIFT ends in k's parity bit (signByParity): shift it into the sign. */
// @ts-ignore: decorator
@inline function signByParity(t: v128, s: v128): v128 {
  return v128.xor(s, i64x2.shl(t, 63));
}

/** ((v + 1.5·2^52) − 1.5·2^52): v rounded to the nearest integer, ties to even, for |v| < 2^51. */
// @ts-ignore: decorator
@inline function roundShift(v: v128): v128 {
  const shift = ROUNDING_SHIFT();
  return f64x2.sub(f64x2.add(v, shift), shift);
}

/** x − m·π in three parts. */
// @ts-ignore: decorator
@inline function reduceByPi(x: v128, m: v128): v128 {
  return f64x2.sub(f64x2.sub(f64x2.sub(x, f64x2.mul(m, PI_1())), f64x2.mul(m, PI_2())), f64x2.mul(m, PI_3()));
}

// @ts-ignore: decorator
@inline export function vsin(x: v128): v128 {
  const shift = ROUNDING_SHIFT();
  const t = f64x2.add(f64x2.mul(x, INV_PI()), shift);
  const k = f64x2.sub(t, shift);
  return signByParity(t, sinPolynomial(reduceByPi(x, k)));
}

// @ts-ignore: decorator
@inline export function vcos(x: v128): v128 {
  const shift = ROUNDING_SHIFT();
  const t = f64x2.add(f64x2.sub(f64x2.mul(x, INV_PI()), HALF()), shift);
  const m = f64x2.add(f64x2.sub(t, shift), HALF());
  return v128.xor(signByParity(t, sinPolynomial(reduceByPi(x, m))), SIGN_BIT());
}

/** sin(π·v). */
// @ts-ignore: decorator
@inline export function vsinPi(v: v128): v128 {
  const shift = ROUNDING_SHIFT();
  const t = f64x2.add(v, shift);
  const f = f64x2.sub(v, f64x2.sub(t, shift));
  return signByParity(t, sinPolynomial(f64x2.mul(f, PI())));
}

/** cos(π·v). */
// @ts-ignore: decorator
@inline export function vcosPi(v: v128): v128 {
  const shift = ROUNDING_SHIFT();
  const u = f64x2.sub(v, HALF());
  const t = f64x2.add(u, shift);
  const f = f64x2.sub(u, f64x2.sub(t, shift));
  return v128.xor(signByParity(t, sinPolynomial(f64x2.mul(f, PI()))), SIGN_BIT());
}

/** 2^e for integer lanes e in [−1022, 1023] (the low two i32 lanes), built from the exponent bits. */
// @ts-ignore: decorator
@inline function powerOfTwo(e: v128): v128 {
  return i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(e), i64x2.splat(1023)), 52);
}

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const clamped = f64x2.min(f64x2.max(x, EXP_CLAMP_LOW()), EXP_CLAMP_HIGH());
  const k = roundShift(f64x2.mul(clamped, LOG2E()));
  const r = f64x2.sub(f64x2.sub(clamped, f64x2.mul(k, LN2_1())), f64x2.mul(k, LN2_2()));
  let p = EXP_E13();
  p = f64x2.add(EXP_E12(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E11(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E10(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E9(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E8(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E7(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E6(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E5(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E4(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E3(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E2(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E1(), f64x2.mul(r, p));
  p = f64x2.add(EXP_E0(), f64x2.mul(r, p));
  const whole = i32x4.trunc_sat_f64x2_s_zero(k);
  const k1 = i32x4.shr_s(whole, 1);
  const k2 = i32x4.sub(whole, k1);
  return f64x2.mul(f64x2.mul(p, powerOfTwo(k1)), powerOfTwo(k2));
}

/** Scalar forms (one lane of the vector code, so the same bits). */
export function sin(x: f64): f64 {
  return f64x2.extract_lane(vsin(f64x2.splat(x)), 0);
}
export function cos(x: f64): f64 {
  return f64x2.extract_lane(vcos(f64x2.splat(x)), 0);
}
export function exp(x: f64): f64 {
  return f64x2.extract_lane(vexp(f64x2.splat(x)), 0);
}
export function sinPi(x: f64): f64 {
  return f64x2.extract_lane(vsinPi(f64x2.splat(x)), 0);
}
export function cosPi(x: f64): f64 {
  return f64x2.extract_lane(vcosPi(f64x2.splat(x)), 0);
}
