/**
 * The quantize + B.2a pass of Algorithm 1 (SPEC §3 eq. 5, §7) over a batch of runs: the twin of
 * JsQuantizePass (src/core/quantize-pass.ts), which defines the semantics. For every run and every
 * segment the reading tests as a unit (the whole run, or each tensor), in order:
 *
 *   d ← −λ·h (when asked);  dQ ← Q_p(d) at the slot's index p;
 *   while dQ vanishes (all-zero / sum test) and raising is allowed and p < the cap: p ← p+1, requantize;
 *   w ← w + dQ (on a non-binary grid with weightsOnGrid: w ← Q_p(w + dQ), round).
 *
 * The kernel does not write the indices: it counts the raises per slot (the current index of a slot
 * is indices[slot] + raises[slot]) and the caller applies them through Scheduler.raise.
 *
 * Layout of the configuration block (i32 words), written once per learner by src/wasm/pass.ts.
 */
import { quantizeRange, GRID_BYTES, gridRoute, MODE_ROUND, ROUTE_MULTIPLY } from './quantize';

export const C_RUNS: i32 = 0;
export const C_DIMS: i32 = 1;
export const C_SEGMENTS: i32 = 2;
export const C_SLOTS_PER_RUN: i32 = 3;
export const C_TENSORS_PER_RUN: i32 = 4;
export const C_SEGMENT_TABLE: i32 = 5;
export const C_INDICES: i32 = 6;
export const C_GRIDS: i32 = 7;
export const C_P0: i32 = 8;
export const C_CEILING: i32 = 9;
export const C_D: i32 = 10;
export const C_DQ: i32 = 11;
export const C_RAISES: i32 = 12;
export const C_VANISHED: i32 = 13;
export const C_TENSOR_INDEX: i32 = 14;
export const C_TENSOR_START: i32 = 15;
export const C_OUT_ZEROS: i32 = 16;
export const C_OUT_VANISHED_RUNS: i32 = 17;
export const C_OUT_RAISES: i32 = 18;
export const CONFIG_WORDS: i32 = 19;

/** Segment table entries (i32 words): offset in the run, size, slot in the run, first tensor, tensor count. */
export const SEGMENT_WORDS: i32 = 5;

export const FLAG_ROUND: i32 = 1;
export const FLAG_SUM_TEST: i32 = 2;
export const FLAG_MAY_RAISE: i32 = 4;
export const FLAG_SNAP: i32 = 8;
export const FLAG_SCALE: i32 = 16;

// @ts-ignore: decorator
@inline function word(config: usize, index: i32): i32 {
  return load<i32>(config + (<usize>index << 2));
}

/** The vanishing test (reading.ts vanishes): no non-zero component, or (sum test) a zero sum in index order. */
// @ts-ignore: decorator
@inline function vanishes(sumTest: bool, dq: usize, size: i32, nonZero: i32): bool {
  if (nonZero == 0) return true;
  if (!sumTest) return false;
  let sum: f64 = 0;
  for (let i = 0; i < size; i++) sum += load<f64>(dq + (<usize>i << 3));
  return sum == 0;
}

/** d[i] = (−λ)·h[i] (the JS −lambda * h[i]). */
function scale(h: usize, d: usize, n: i32, negLambda: f64): void {
  const factor = f64x2.splat(negLambda);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const offset = <usize>i << 3;
    v128.store(d + offset, f64x2.mul(factor, v128.load(h + offset)));
  }
  if (i < n) store<f64>(d + (<usize>i << 3), negLambda * load<f64>(h + (<usize>i << 3)));
}

/** w[i] += dq[i]. */
function addInto(w: usize, dq: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const offset = <usize>i << 3;
    v128.store(w + offset, f64x2.add(v128.load(w + offset), v128.load(dq + offset)));
  }
  if (i < n) {
    const offset = <usize>i << 3;
    store<f64>(w + offset, load<f64>(w + offset) + load<f64>(dq + offset));
  }
}

function fill(array: usize, first: i32, count: i32, value: i32): void {
  for (let t = first; t < first + count; t++) store<i32>(array + (<usize>t << 2), value);
}

/** One step's quantize + B.2a + apply for every run (see the file comment). */
export function quantizePass(config: usize, h: usize, negLambda: f64, w: usize, flags: i32): void {
  const runs = word(config, C_RUNS);
  const dims = word(config, C_DIMS);
  const segmentCount = word(config, C_SEGMENTS);
  const slotsPerRun = word(config, C_SLOTS_PER_RUN);
  const tensorsPerRun = word(config, C_TENSORS_PER_RUN);
  const segments = <usize>word(config, C_SEGMENT_TABLE);
  const indices = <usize>word(config, C_INDICES);
  const grids = <usize>word(config, C_GRIDS);
  const p0 = word(config, C_P0);
  const ceiling = word(config, C_CEILING);
  const d = <usize>word(config, C_D);
  const dq = <usize>word(config, C_DQ);
  const raises = <usize>word(config, C_RAISES);
  const vanished = <usize>word(config, C_VANISHED);
  const tensorIndex = <usize>word(config, C_TENSOR_INDEX);
  const tensorStart = <usize>word(config, C_TENSOR_START);
  const mode = flags & FLAG_ROUND ? MODE_ROUND : 0;
  const sumTest = (flags & FLAG_SUM_TEST) != 0;
  const mayRaise = (flags & FLAG_MAY_RAISE) != 0;
  const snap = (flags & FLAG_SNAP) != 0;
  const scaleFirst = (flags & FLAG_SCALE) != 0;
  let zeros = 0;
  let vanishedRuns = 0;
  let raisesTotal = 0;
  for (let r = 0; r < runs; r++) {
    const runStart = r * dims;
    const slotBase = r * slotsPerRun;
    for (let s = slotBase; s < slotBase + slotsPerRun; s++) {
      store<i32>(raises + (<usize>s << 2), 0);
      store<u8>(vanished + <usize>s, 0);
    }
    let runVanished = 0;
    for (let segment = 0; segment < segmentCount; segment++) {
      const entry = segments + (<usize>(segment * SEGMENT_WORDS) << 2);
      const start = runStart + load<i32>(entry, 0);
      const size = load<i32>(entry, 4);
      const slot = slotBase + load<i32>(entry, 8);
      const firstTensor = r * tensorsPerRun + load<i32>(entry, 12);
      const tensorCount = load<i32>(entry, 16);
      const byteStart = <usize>start << 3;
      const dSegment = d + byteStart;
      const dqSegment = dq + byteStart;
      if (scaleFirst) scale(h + byteStart, dSegment, size, negLambda);
      const slotRaises = raises + (<usize>slot << 2);
      const startIndex = load<i32>(indices + (<usize>slot << 2)) + load<i32>(slotRaises);
      let p = startIndex;
      let grid = grids + <usize>(p - p0) * GRID_BYTES;
      let nonZero = quantizeRange(dSegment, dqSegment, size, grid, p - p0, mode);
      let gone = vanishes(sumTest, dqSegment, size, nonZero);
      if (gone) {
        store<u8>(vanished + <usize>slot, 1);
        runVanished = 1;
      }
      while (gone && mayRaise && p < ceiling) {
        p += 1;
        store<i32>(slotRaises, load<i32>(slotRaises) + 1);
        raisesTotal += 1;
        grid = grids + <usize>(p - p0) * GRID_BYTES;
        nonZero = quantizeRange(dSegment, dqSegment, size, grid, p - p0, mode);
        gone = vanishes(sumTest, dqSegment, size, nonZero);
      }
      fill(tensorStart, firstTensor, tensorCount, startIndex);
      fill(tensorIndex, firstTensor, tensorCount, p);
      zeros += size - nonZero;
      const wSegment = w + byteStart;
      addInto(wSegment, dqSegment, size);
      // An on-grid iterate of a non-binary grid is snapped back to its grid point (round).
      if (snap && gridRoute(grid) != ROUTE_MULTIPLY) quantizeRange(wSegment, wSegment, size, grid, p - p0, MODE_ROUND);
    }
    vanishedRuns += runVanished;
  }
  store<i32>(config + (<usize>C_OUT_ZEROS << 2), zeros);
  store<i32>(config + (<usize>C_OUT_VANISHED_RUNS << 2), vanishedRuns);
  store<i32>(config + (<usize>C_OUT_RAISES << 2), raisesTotal);
}
