/**
 * The quantizer of SPEC §1 (eq. 1) on two lanes: the twin of src/core/quantizer.ts quantizeInto,
 * making the same floating-point decisions in the same order. A lane whose grid integer k the float
 * product cannot decide (near a cell boundary on a non-binary grid, |Q·x| ≥ 2^52, non-finite, or a
 * grid without a float route) is handed to the exact JS quantizer through the `slowQuantize`
 * import, which also throws the JS range errors. So the output is k/Q_p for the exact k, as in JS.
 *
 * Grid records (5 × f64, written by src/wasm/quantize.ts writeGridRecord): Q, 1/Q, η, b^m (for
 * Q = η/b^m), route.
 */
import { ABSOLUTE_MARGIN, BELOW_HALF, EXACT_LIMIT, FAST_LIMIT, HALF, ONE, RELATIVE_MARGIN, ZERO } from './constants';

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

/**
 * Binary grid (Q a power of two): Q·x is exact unless it underflows. Round mode: k = ⌊y + ½⌋,
 * which is ⌊y⌋ + (frac y ≥ ½) for every |y| < 2^52 except y = ½ − 2^−54 (there fl(y + ½) = 1), a
 * lane binaryOk leaves undecided; a tiny product gives 0, the exact k. Floor mode: k = ⌊y⌋, except
 * that a product that underflowed to 0 is −1 for x < 0 (the tiny-product rule of gridIndex).
 * Returns x^Q = k/Q_p, never −0; binaryOk marks the lanes this decides.
 */
// @ts-ignore: decorator
@inline export function binaryValue(x: v128, y: v128, cell: v128, mode: i32): v128 {
  if (mode == MODE_ROUND) {
    // ⌊y + ½⌋ is never −0, so k·cell needs no + 0 here.
    return f64x2.mul(f64x2.floor(f64x2.add(y, HALF())), cell);
  }
  const underflowed = v128.and(f64x2.eq(y, ZERO()), f64x2.lt(x, ZERO()));
  const k = v128.bitselect(f64x2.neg(ONE()), f64x2.floor(y), underflowed);
  return f64x2.add(f64x2.mul(k, cell), ZERO()); // + 0 turns −0 into 0
}

// @ts-ignore: decorator
@inline export function binaryOk(y: v128, mode: i32): v128 {
  const inRange = f64x2.lt(f64x2.abs(y), FAST_LIMIT());
  return mode == MODE_ROUND ? v128.and(inRange, f64x2.ne(y, BELOW_HALF())) : inRange;
}

/** binaryValue and binaryOk for the first `lanes` of x, stored at dst via finish. */
// @ts-ignore: decorator
@inline export function binaryLanes(dst: usize, x: v128, Q: v128, cell: v128, lanes: i32, gridId: i32, mode: i32): i32 {
  const y = f64x2.mul(x, Q);
  return finish(dst, x, binaryValue(x, y, cell, mode), binaryOk(y, mode), lanes, gridId, mode);
}

/**
 * The binary-grid loop without a branch per pair. Out of place, every lane's float result is stored
 * and the lanes it could not decide are redone from src afterwards; in place, those lanes keep their
 * input (a select), and the redo finds them again because every decided output k/Q_p has
 * |Q·v| = |k| < 2^52 and k ≠ ½ − 2^−54. The non-zero count of an undecided lane is taken back and
 * recounted. Returns (count, all decided ? −1 : 0) as i64 lanes.
 */
// @ts-ignore: decorator
@inline function binaryPairs(src: usize, dst: usize, pairs: i32, Q: v128, cell: v128, mode: i32, inPlace: bool): v128 {
  let counts = i64x2.splat(0);
  let allOk = i64x2.splat(-1);
  const end = src + (<usize>pairs << 4);
  const shift = dst - src;
  let at = src;
  // Four pairs per iteration: independent chains for the out-of-order core, a quarter of the loop overhead.
  for (; at + 64 <= end; at += 64) {
    const x0 = v128.load(at);
    const x1 = v128.load(at, 16);
    const x2 = v128.load(at, 32);
    const x3 = v128.load(at, 48);
    const y0 = f64x2.mul(x0, Q);
    const y1 = f64x2.mul(x1, Q);
    const y2 = f64x2.mul(x2, Q);
    const y3 = f64x2.mul(x3, Q);
    const ok0 = binaryOk(y0, mode);
    const ok1 = binaryOk(y1, mode);
    const ok2 = binaryOk(y2, mode);
    const ok3 = binaryOk(y3, mode);
    const value0 = binaryValue(x0, y0, cell, mode);
    const value1 = binaryValue(x1, y1, cell, mode);
    const value2 = binaryValue(x2, y2, cell, mode);
    const value3 = binaryValue(x3, y3, cell, mode);
    const zero = ZERO();
    const nonZero01 = i64x2.add(f64x2.ne(value0, zero), f64x2.ne(value1, zero));
    const nonZero23 = i64x2.add(f64x2.ne(value2, zero), f64x2.ne(value3, zero));
    counts = i64x2.sub(counts, i64x2.add(nonZero01, nonZero23));
    allOk = v128.and(allOk, v128.and(v128.and(ok0, ok1), v128.and(ok2, ok3)));
    const out = at + shift;
    v128.store(out, inPlace ? v128.bitselect(value0, x0, ok0) : value0);
    v128.store(out, inPlace ? v128.bitselect(value1, x1, ok1) : value1, 16);
    v128.store(out, inPlace ? v128.bitselect(value2, x2, ok2) : value2, 32);
    v128.store(out, inPlace ? v128.bitselect(value3, x3, ok3) : value3, 48);
  }
  for (; at < end; at += 16) {
    const x = v128.load(at);
    const y = f64x2.mul(x, Q);
    const ok = binaryOk(y, mode);
    const value = binaryValue(x, y, cell, mode);
    counts = i64x2.sub(counts, f64x2.ne(value, ZERO()));
    allOk = v128.and(allOk, ok);
    v128.store(at + shift, inPlace ? v128.bitselect(value, x, ok) : value);
  }
  const count = i64x2.extract_lane(counts, 0) + i64x2.extract_lane(counts, 1);
  return i64x2.replace_lane(i64x2.splat(count), 1, i64x2.all_true(allOk) ? -1 : 0);
}

function binaryRange(src: usize, dst: usize, n: i32, Q: v128, cell: v128, gridId: i32, mode: i32): i32 {
  const pairs = n >> 1;
  const inPlace = src == dst;
  let result: v128;
  if (mode == MODE_ROUND) {
    result = inPlace ? binaryPairs(src, dst, pairs, Q, cell, MODE_ROUND, true) : binaryPairs(src, dst, pairs, Q, cell, MODE_ROUND, false);
  } else {
    result = inPlace ? binaryPairs(src, dst, pairs, Q, cell, MODE_FLOOR, true) : binaryPairs(src, dst, pairs, Q, cell, MODE_FLOOR, false);
  }
  let count = <i32>i64x2.extract_lane(result, 0);
  const i = pairs << 1;
  if (i64x2.extract_lane(result, 1) == 0) {
    const Qs = f64x2.extract_lane(Q, 0);
    for (let j = 0; j < i; j++) {
      const offset = <usize>j << 3;
      const x = load<f64>(src + offset);
      const y = f64x2.splat(x * Qs);
      if (i64x2.extract_lane(binaryOk(y, mode), 0) == 0) {
        // Undo the lane's first count (of the float value from the same x), count the exact one.
        const float = f64x2.extract_lane(binaryValue(f64x2.splat(x), y, cell, mode), 0);
        const exact = slowQuantize(x, gridId, mode);
        store<f64>(dst + offset, exact);
        count += i32(exact != 0) - i32(float != 0);
      }
    }
  }
  if (i < n) {
    const offset = <usize>i << 3;
    count += binaryLanes(dst + offset, f64x2.splat(load<f64>(src + offset)), Q, cell, 1, gridId, mode);
  }
  return count;
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
    return binaryRange(src, dst, n, v128.load64_splat(grid), v128.load64_splat(grid, 8), gridId, mode);
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
