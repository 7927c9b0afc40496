/**
 * The trace checker's shared pass over one record's vectors (SPEC §1, §3 eq. 5; §7 summaries): the
 * twin of fusedJs in src/check/scan.ts, which stays the definition — the same totals, bit for bit.
 * Q_p(h) and the nearest grid values of w come from quantizeRange (./quantize), chunk by chunk
 * into a scratch that stays in the L1 cache; the comparisons and the maximum run on two lanes; the
 * sums of hq and |hq| are scalar, in index order, as in JS.
 *
 * Totals (7 × f64 at `out`): non-zero count of hq, Σhq, Σ|hq|, max|h|, components where hq ≠ Q_p(h),
 * where w is not its nearest grid value, where w ≠ before + hq. Flags say which comparisons are
 * wanted; an unwanted one compares stand-ins and its total means nothing.
 */
import { ZERO } from './constants';
import { MODE_ROUND, quantizeRange } from './quantize';

/** Components per chunk: two chunks of quantized values (8 KiB) stay in the L1 cache. */
const CHUNK: i32 = 512;

export const SCAN_CORE: i32 = 1;
export const SCAN_GRID: i32 = 2;
export const SCAN_SUM: i32 = 4;

/**
 * h, hq, w, before: n doubles each (before only with SCAN_SUM); grid: a grid record (id 0 for the
 * exact lanes); mode: h's quantizer mode; scratch: 2·512 doubles.
 */
export function scanRange(h: usize, hq: usize, w: usize, before: usize, n: i32, grid: usize, mode: i32, flags: i32, scratch: usize, out: usize): void {
  const core = (flags & SCAN_CORE) != 0;
  const grids = (flags & SCAN_GRID) != 0;
  const sums = (flags & SCAN_SUM) != 0;
  const qhChunk = scratch;
  const qwChunk = scratch + (<usize>CHUNK << 3);
  let nonZero = i64x2.splat(0);
  let notCore = i64x2.splat(0);
  let offGrid = i64x2.splat(0);
  let notSummed = i64x2.splat(0);
  let tail: i64 = 0;
  let tailNotCore: i64 = 0;
  let tailOffGrid: i64 = 0;
  let tailNotSummed: i64 = 0;
  let largest = f64x2.splat(0);
  let sum: f64 = 0;
  let magnitude: f64 = 0;
  for (let from = 0; from < n; from += CHUNK) {
    const m = min(CHUNK, n - from);
    const at = <usize>from << 3;
    if (core) quantizeRange(h + at, qhChunk, m, grid, 0, mode);
    if (grids) quantizeRange(w + at, qwChunk, m, grid, 0, MODE_ROUND);
    const qh = core ? qhChunk : hq + at;
    const qw = grids ? qwChunk : w + at;
    const b = sums ? before + at : w + at;
    const hAt = h + at;
    const hqAt = hq + at;
    const wAt = w + at;
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      const o = <usize>i << 3;
      const x = v128.load(hqAt + o);
      const v = v128.load(wAt + o);
      const x0 = f64x2.extract_lane(x, 0);
      const x1 = f64x2.extract_lane(x, 1);
      sum += x0;
      sum += x1;
      magnitude += abs<f64>(x0);
      magnitude += abs<f64>(x1);
      nonZero = i64x2.sub(nonZero, f64x2.ne(x, ZERO()));
      largest = f64x2.max(largest, f64x2.abs(v128.load(hAt + o)));
      notCore = i64x2.sub(notCore, f64x2.ne(v128.load(qh + o), x));
      offGrid = i64x2.sub(offGrid, f64x2.ne(v128.load(qw + o), v));
      notSummed = i64x2.sub(notSummed, f64x2.ne(v, f64x2.add(v128.load(b + o), x)));
    }
    if (i < m) {
      const o = <usize>i << 3;
      const x = load<f64>(hqAt + o);
      const v = load<f64>(wAt + o);
      sum += x;
      magnitude += abs<f64>(x);
      tail += i64(x != 0);
      largest = f64x2.max(largest, f64x2.splat(abs<f64>(load<f64>(hAt + o))));
      tailNotCore += i64(load<f64>(qh + o) != x);
      tailOffGrid += i64(load<f64>(qw + o) != v);
      tailNotSummed += i64(v != load<f64>(b + o) + x);
    }
  }
  store<f64>(out, <f64>(i64x2.extract_lane(nonZero, 0) + i64x2.extract_lane(nonZero, 1) + tail));
  store<f64>(out, sum, 8);
  store<f64>(out, magnitude, 16);
  store<f64>(out, max<f64>(f64x2.extract_lane(largest, 0), f64x2.extract_lane(largest, 1)), 24);
  store<f64>(out, <f64>(i64x2.extract_lane(notCore, 0) + i64x2.extract_lane(notCore, 1) + tailNotCore), 32);
  store<f64>(out, <f64>(i64x2.extract_lane(offGrid, 0) + i64x2.extract_lane(offGrid, 1) + tailOffGrid), 40);
  store<f64>(out, <f64>(i64x2.extract_lane(notSummed, 0) + i64x2.extract_lane(notSummed, 1) + tailNotSummed), 48);
}
