/**
 * The quantizer of SPEC §1 (eq. 1) on two lanes: the twin of src/core/quantizer.ts quantizeInto,
 * making the same floating-point decisions in the same order. A lane whose grid integer k the float
 * product cannot decide (near a cell boundary on a non-binary grid, |Q·x| ≥ 2^52, non-finite, or a
 * grid without a float route) is handed to the exact JS quantizer through the `slowQuantize`
 * import, which also throws the JS range errors. So the output is k/Q_p for the exact k, as in JS.
 *
 * Grid records (5 × f64, written by src/wasm/grids.ts): Q, 1/Q, η, b^m (for Q = η/b^m), route.
 */
import { ABSOLUTE_MARGIN, EXACT_LIMIT, FAST_LIMIT, HALF, MIN_NORMAL, ONE, RELATIVE_MARGIN, ZERO } from './constants';

// @ts-ignore: decorator
@external('env', 'slowQuantize')
declare function slowQuantize(x: f64, grid: i32, mode: i32): f64;

export const MODE_FLOOR: i32 = 0;
export const MODE_ROUND: i32 = 1;

/** ValueRoute of src/core/quantizer.ts. */
export const ROUTE_MULTIPLY: i32 = 0;
export const ROUTE_DIVIDE: i32 = 1;
export const ROUTE_SCALE: i32 = 2;

export const GRID_BYTES: usize = 40;

// @ts-ignore: decorator
@inline export function gridQ(grid: usize): f64 {
  return load<f64>(grid, 0);
}
// @ts-ignore: decorator
@inline export function gridRoute(grid: usize): i32 {
  return <i32>load<f64>(grid, 32);
}

/** Number of lanes of v that are not zero, among the first `lanes`. */
// @ts-ignore: decorator
@inline function countNonZero(v: v128, lanes: i32): i32 {
  const mask = i64x2.bitmask(f64x2.ne(v, ZERO()));
  return popcnt<i32>(lanes == 2 ? mask : mask & 1);
}

/**
 * Store the first `lanes` of `value` at dst; lanes not set in `ok` are computed by the exact JS
 * quantizer, in lane order (so a range error names the same element as the JS loop). Returns the
 * non-zero count of what was stored.
 */
// @ts-ignore: decorator
@inline function finish(dst: usize, x: v128, value: v128, ok: v128, lanes: i32, gridId: i32, mode: i32): i32 {
  if (lanes == 2 && i64x2.all_true(ok)) {
    v128.store(dst, value);
    return countNonZero(value, 2);
  }
  let v0 = f64x2.extract_lane(value, 0);
  if (i64x2.extract_lane(ok, 0) == 0) v0 = slowQuantize(f64x2.extract_lane(x, 0), gridId, mode);
  store<f64>(dst, v0);
  let count = i32(v0 != 0);
  if (lanes == 2) {
    let v1 = f64x2.extract_lane(value, 1);
    if (i64x2.extract_lane(ok, 1) == 0) v1 = slowQuantize(f64x2.extract_lane(x, 1), gridId, mode);
    store<f64>(dst, v1, 8);
    count += i32(v1 != 0);
  }
  return count;
}

/** Binary grid (Q a power of two): Q·x is exact unless it underflows; the tiny-product rule of gridIndex inline. */
// @ts-ignore: decorator
@inline function binaryLanes(dst: usize, x: v128, Q: v128, cell: v128, lanes: i32, gridId: i32, mode: i32): i32 {
  const y = f64x2.mul(x, Q);
  const magnitude = f64x2.abs(y);
  const minNormal = MIN_NORMAL();
  const tiny = f64x2.lt(magnitude, minNormal);
  const fast = v128.and(f64x2.ge(magnitude, minNormal), f64x2.lt(magnitude, FAST_LIMIT()));
  const below = f64x2.floor(y);
  let k: v128;
  if (mode == MODE_ROUND) {
    // below + +(y − below ≥ ½); a tiny product rounds to 0.
    const up = v128.and(f64x2.ge(f64x2.sub(y, below), HALF()), ONE());
    k = v128.and(f64x2.add(below, up), fast);
  } else {
    // floor of a tiny product: −1 for x < 0, else 0.
    const minusOne = f64x2.neg(ONE());
    k = v128.bitselect(below, v128.and(f64x2.lt(x, ZERO()), minusOne), fast);
  }
  const value = f64x2.add(f64x2.mul(k, cell), ZERO()); // + 0 turns −0 into 0
  return finish(dst, x, value, v128.or(fast, tiny), lanes, gridId, mode);
}

/**
 * Other grids: the float decision is trusted only outside a margin around cell boundaries (as in
 * quantizeInto); k/Q by one division (integer Q) or (k·b^m)/η (Q = η/b^m) while k·b^m is exact.
 */
// @ts-ignore: decorator
@inline function generalLanes(dst: usize, x: v128, grid: usize, lanes: i32, gridId: i32, mode: i32): i32 {
  const route = gridRoute(grid);
  const Q = f64x2.splat(gridQ(grid));
  const y = f64x2.mul(x, Q);
  const magnitude = f64x2.abs(y);
  const below = f64x2.floor(y);
  const fraction = f64x2.sub(y, below);
  const margin = f64x2.add(f64x2.mul(magnitude, RELATIVE_MARGIN()), ABSOLUTE_MARGIN());
  let k: v128;
  let decided: v128;
  if (mode == MODE_ROUND) {
    decided = f64x2.gt(f64x2.abs(f64x2.sub(fraction, HALF())), margin);
    k = f64x2.add(below, v128.and(f64x2.ge(fraction, HALF()), ONE()));
  } else {
    decided = v128.and(f64x2.gt(fraction, margin), f64x2.gt(f64x2.sub(ONE(), fraction), margin));
    k = below;
  }
  // x = ±0 is k = 0 exactly (the JS floor path reaches the same k through the exact route).
  const zero = f64x2.eq(x, ZERO());
  k = v128.andnot(k, zero);
  let ok = v128.or(v128.and(f64x2.lt(magnitude, FAST_LIMIT()), decided), zero);
  let value: v128;
  if (route == ROUTE_DIVIDE) {
    value = f64x2.add(f64x2.div(k, Q), ZERO());
  } else if (route == ROUTE_SCALE) {
    const scaled = f64x2.mul(k, f64x2.splat(load<f64>(grid, 24)));
    ok = v128.and(ok, f64x2.le(f64x2.abs(scaled), EXACT_LIMIT()));
    value = f64x2.add(f64x2.div(scaled, f64x2.splat(load<f64>(grid, 16))), ZERO());
  } else {
    // No float route (Q or 1/Q beyond 2^53): every lane goes exact.
    ok = ZERO();
    value = ZERO();
  }
  return finish(dst, x, value, ok, lanes, gridId, mode);
}

/**
 * Quantize n doubles at src into dst (may be the same) on the grid record at `grid`; returns the
 * number of non-zero outputs (the quantizeInto contract).
 */
export function quantizeRange(src: usize, dst: usize, n: i32, grid: usize, gridId: i32, mode: i32): i32 {
  let count = 0;
  let i = 0;
  if (gridRoute(grid) == ROUTE_MULTIPLY) {
    const Q = f64x2.splat(gridQ(grid));
    const cell = f64x2.splat(load<f64>(grid, 8));
    if (mode == MODE_ROUND) {
      for (; i + 2 <= n; i += 2) {
        const offset = <usize>i << 3;
        count += binaryLanes(dst + offset, v128.load(src + offset), Q, cell, 2, gridId, MODE_ROUND);
      }
    } else {
      for (; i + 2 <= n; i += 2) {
        const offset = <usize>i << 3;
        count += binaryLanes(dst + offset, v128.load(src + offset), Q, cell, 2, gridId, MODE_FLOOR);
      }
    }
    if (i < n) {
      const offset = <usize>i << 3;
      count += binaryLanes(dst + offset, f64x2.splat(load<f64>(src + offset)), Q, cell, 1, gridId, mode);
    }
    return count;
  }
  if (mode == MODE_ROUND) {
    for (; i + 2 <= n; i += 2) {
      const offset = <usize>i << 3;
      count += generalLanes(dst + offset, v128.load(src + offset), grid, 2, gridId, MODE_ROUND);
    }
  } else {
    for (; i + 2 <= n; i += 2) {
      const offset = <usize>i << 3;
      count += generalLanes(dst + offset, v128.load(src + offset), grid, 2, gridId, MODE_FLOOR);
    }
  }
  if (i < n) {
    const offset = <usize>i << 3;
    count += generalLanes(dst + offset, f64x2.splat(load<f64>(src + offset)), grid, 1, gridId, mode);
  }
  return count;
}
