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
import { ZERO } from './constants';
import { binaryLanes, binaryOk, binaryValue, GRID_BYTES, gridRoute, MODE_FLOOR, MODE_ROUND, quantizeRange, ROUTE_MULTIPLY } from './quantize';

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
// @ts-ignore: decorator
@inline function scale(h: usize, d: usize, n: i32, negLambda: f64): void {
  const factor = f64x2.splat(negLambda);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const offset = <usize>i << 3;
    v128.store(d + offset, f64x2.mul(factor, v128.load(h + offset)));
  }
  if (i < n) store<f64>(d + (<usize>i << 3), negLambda * load<f64>(h + (<usize>i << 3)));
}

/** w[i] += dq[i]. */
// @ts-ignore: decorator
@inline function addInto(w: usize, dq: usize, n: i32): void {
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

// @ts-ignore: decorator
@inline function fill(array: usize, first: i32, count: i32, value: i32): void {
  for (let t = first; t < first + count; t++) store<i32>(array + (<usize>t << 2), value);
}

/**
 * The second and third results of quantizeSegment: the index the segment ended with (after B.2a),
 * and 0 (nothing vanished), −1 (vanished, no raise) or k > 0 (vanished, k raises).
 */
let segmentIndex: i32 = 0;
let segmentRaises: i32 = 0;

/**
 * One segment: d ← −λ·h (FLAG_SCALE), dQ ← Q_p(d), B.2a, w ← w + dQ (snapped on non-binary grids
 * under FLAG_SNAP). Returns the final non-zero count; the final index and the raises go to
 * segmentIndex and segmentRaises. On a binary grid the scale and the quantization run in one loop.
 */
function quantizeSegment(h: usize, d: usize, dq: usize, w: usize, size: i32, p: i32, p0: i32, ceiling: i32, grids: usize, flags: i32, negLambda: f64): i32 {
  const grid = grids + <usize>(p - p0) * GRID_BYTES;
  const mode = flags & FLAG_ROUND ? MODE_ROUND : MODE_FLOOR;
  let nonZero: i32;
  if (gridRoute(grid) == ROUTE_MULTIPLY) {
    nonZero = binaryRun(h, d, dq, size, grid, p - p0, flags, negLambda, mode);
  } else {
    if (flags & FLAG_SCALE) scale(h, d, size, negLambda);
    nonZero = quantizeRange(d, dq, size, grid, p - p0, mode);
  }
  return finishSegment(d, dq, w, size, p, p0, ceiling, grids, flags, nonZero);
}

/**
 * The rest of a segment whose dQ at index p holds `nonZero` non-zero components: B.2a (vanishing
 * test, raises with requantization), then the add (and the snap). Returns the final non-zero count.
 */
function finishSegment(d: usize, dq: usize, w: usize, size: i32, p: i32, p0: i32, ceiling: i32, grids: usize, flags: i32, nonZero: i32): i32 {
  const mode = flags & FLAG_ROUND ? MODE_ROUND : MODE_FLOOR;
  const sumTest = (flags & FLAG_SUM_TEST) != 0;
  let grid = grids + <usize>(p - p0) * GRID_BYTES;
  let raised = 0;
  if (vanishes(sumTest, dq, size, nonZero)) {
    raised = -1;
    if (flags & FLAG_MAY_RAISE) {
      while (p < ceiling) {
        p += 1;
        raised = raised < 0 ? 1 : raised + 1;
        grid = grids + <usize>(p - p0) * GRID_BYTES;
        nonZero = gridRoute(grid) == ROUTE_MULTIPLY
          ? binaryRun(0, d, dq, size, grid, p - p0, 0, 0, mode)
          : quantizeRange(d, dq, size, grid, p - p0, mode);
        if (!vanishes(sumTest, dq, size, nonZero)) break;
      }
    }
  }
  segmentIndex = p;
  segmentRaises = raised;
  addInto(w, dq, size);
  // An on-grid iterate of a non-binary grid is snapped back to its grid point (round).
  if (flags & FLAG_SNAP && gridRoute(grid) != ROUTE_MULTIPLY) quantizeRange(w, w, size, grid, p - p0, MODE_ROUND);
  return nonZero;
}

/** d ← −λ·h (FLAG_SCALE) and dQ ← Q_p(d) of one run on a binary grid, in one loop; returns the non-zero count. */
// @ts-ignore: decorator
@inline function binaryRun(h: usize, d: usize, dq: usize, size: i32, grid: usize, gridId: i32, flags: i32, negLambda: f64, mode: i32): i32 {
  const Q = v128.load64_splat(grid);
  const cell = v128.load64_splat(grid, 8);
  const factor = f64x2.splat(negLambda);
  const scaling = (flags & FLAG_SCALE) != 0;
  let nonZero = 0;
  let i = 0;
  for (; i + 2 <= size; i += 2) {
    const offset = <usize>i << 3;
    let x: v128;
    if (scaling) {
      x = f64x2.mul(factor, v128.load(h + offset));
      v128.store(d + offset, x);
    } else {
      x = v128.load(d + offset);
    }
    nonZero += binaryLanes(dq + offset, x, Q, cell, 2, gridId, mode);
  }
  if (i < size) {
    const offset = <usize>i << 3;
    if (scaling) store<f64>(d + offset, negLambda * load<f64>(h + offset));
    nonZero += binaryLanes(dq + offset, f64x2.splat(load<f64>(d + offset)), Q, cell, 1, gridId, mode);
  }
  return nonZero;
}

/** array[0 … n) = value. */
function fillIndex(array: usize, n: i32, value: i32): void {
  const splat = i32x4.splat(value);
  let r = 0;
  for (; r + 4 <= n; r += 4) v128.store(array + (<usize>r << 2), splat);
  for (; r < n; r++) store<i32>(array + (<usize>r << 2), value);
}

/** All `runs` indices equal p (a SIMD scan). */
function sameIndex(indices: usize, runs: i32, p: i32): bool {
  const splat = i32x4.splat(p);
  let same = i32x4.splat(-1);
  let r = 0;
  for (; r + 4 <= runs; r += 4) same = v128.and(same, i32x4.eq(v128.load(indices + (<usize>r << 2)), splat));
  for (; r < runs; r++) if (load<i32>(indices + (<usize>r << 2)) != p) return false;
  return i32x4.all_true(same);
}

/**
 * A population of 2-D runs, all at index p on a binary grid, all-zero test: run r is the v128 at
 * 16·r. A run that vanished and may raise goes through quantizeSegment (which redoes it: w + 0 is
 * w, so the add already made is harmless). Returns (zeros as i64 lane 0, vanished runs as i32
 * lane 2, raises as i32 lane 3); the caller has filled the report with "nothing vanished".
 */
// @ts-ignore: decorator
@inline function uniformPairs(
  runs: i32, p: i32, p0: i32, ceiling: i32, grids: usize, h: usize, d: usize, dq: usize, w: usize,
  vanished: usize, raises: usize, tensorIndex: usize, flags: i32, negLambda: f64, mode: i32,
): v128 {
  const grid = grids + <usize>(p - p0) * GRID_BYTES;
  const Q = v128.load64_splat(grid);
  const cell = v128.load64_splat(grid, 8);
  const factor = f64x2.splat(negLambda);
  const scaling = (flags & FLAG_SCALE) != 0;
  const canRaise = (flags & FLAG_MAY_RAISE) != 0 && p < ceiling;
  let zeros = 0;
  let vanishedRuns = 0;
  let raisesTotal = 0;
  let r = 0;
  // Two runs per iteration, one branch for both: taken only when a lane is undecided or a run
  // vanished and may raise; then the two go through oneRun.
  for (; r + 2 <= runs; r += 2) {
    const offset = <usize>r << 4;
    let x0: v128;
    let x1: v128;
    if (scaling) {
      x0 = f64x2.mul(factor, v128.load(h + offset));
      x1 = f64x2.mul(factor, v128.load(h + offset, 16));
      v128.store(d + offset, x0);
      v128.store(d + offset, x1, 16);
    } else {
      x0 = v128.load(d + offset);
      x1 = v128.load(d + offset, 16);
    }
    const y0 = f64x2.mul(x0, Q);
    const y1 = f64x2.mul(x1, Q);
    const value0 = binaryValue(x0, y0, cell, mode);
    const value1 = binaryValue(x1, y1, cell, mode);
    const mask0 = i64x2.bitmask(f64x2.ne(value0, ZERO()));
    const mask1 = i64x2.bitmask(f64x2.ne(value1, ZERO()));
    const gone0 = mask0 == 0;
    const gone1 = mask1 == 0;
    if (i64x2.all_true(v128.and(binaryOk(y0, mode), binaryOk(y1, mode))) && !(canRaise && (gone0 || gone1))) {
      v128.store(dq + offset, value0);
      v128.store(dq + offset, value1, 16);
      // w + dQ also when dQ = 0 (an iterate is never −0, so w + 0 = w).
      v128.store(w + offset, f64x2.add(v128.load(w + offset), value0));
      v128.store(w + offset, f64x2.add(v128.load(w + offset, 16), value1), 16);
      store<u8>(vanished + <usize>r, gone0);
      store<u8>(vanished + <usize>r, gone1, 1);
      vanishedRuns += i32(gone0) + i32(gone1);
      zeros += 4 - popcnt<i32>(mask0) - popcnt<i32>(mask1);
    } else {
      const counts = oneRun(r, p, p0, ceiling, grids, d, dq, w, vanished, raises, tensorIndex, flags, canRaise, Q, cell, mode)
        + oneRun(r + 1, p, p0, ceiling, grids, d, dq, w, vanished, raises, tensorIndex, flags, canRaise, Q, cell, mode);
      zeros += counts & 7;
      vanishedRuns += (counts >> 3) & 7;
      raisesTotal += counts >> 6;
    }
  }
  if (r < runs) {
    const offset = <usize>r << 4;
    if (scaling) v128.store(d + offset, f64x2.mul(factor, v128.load(h + offset)));
    const counts = oneRun(r, p, p0, ceiling, grids, d, dq, w, vanished, raises, tensorIndex, flags, canRaise, Q, cell, mode);
    zeros += counts & 7;
    vanishedRuns += (counts >> 3) & 7;
    raisesTotal += counts >> 6;
  }
  return i32x4.replace_lane(i32x4.replace_lane(i64x2.splat(zeros), 2, vanishedRuns), 3, raisesTotal);
}

/**
 * One 2-D run of uniformPairs from its d (undecided lanes to the exact path, B.2a when it vanished
 * and may raise). Returns zeros + 8·vanished + 64·raises.
 */
function oneRun(
  r: i32, p: i32, p0: i32, ceiling: i32, grids: usize, d: usize, dq: usize, w: usize, vanished: usize, raises: usize, tensorIndex: usize,
  flags: i32, canRaise: bool, Q: v128, cell: v128, mode: i32,
): i32 {
  const offset = <usize>r << 4;
  const nonZero = binaryLanes(dq + offset, v128.load(d + offset), Q, cell, 2, p - p0, mode);
  const gone = nonZero == 0;
  if (gone && canRaise) {
    const segmentNonZero = finishSegment(d + offset, dq + offset, w + offset, 2, p, p0, ceiling, grids, flags, 0);
    const raised = segmentRaises;
    store<u8>(vanished + <usize>r, 1);
    if (raised > 0) {
      store<i32>(raises + (<usize>r << 2), raised);
      store<i32>(tensorIndex + (<usize>r << 2), segmentIndex);
    }
    return 2 - segmentNonZero + 8 + (raised > 0 ? raised << 6 : 0);
  }
  v128.store(w + offset, f64x2.add(v128.load(w + offset), v128.load(dq + offset)));
  store<u8>(vanished + <usize>r, gone);
  return 2 - nonZero + (gone ? 8 : 0);
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
  let zeros = 0;
  let vanishedRuns = 0;
  let raisesTotal = 0;
  if (segmentCount == 1 && slotsPerRun == 1 && tensorsPerRun == 1) {
    // A population of one-tensor runs: run r is segment r, slot r and tensor r. The report starts
    // as "nothing vanished, every run at the index it met"; runs that vanish patch their entries.
    memory.fill(raises, 0, <usize>runs << 2);
    const fast = (flags & FLAG_SUM_TEST) == 0;
    const p = load<i32>(indices);
    const grid = grids + <usize>(p - p0) * GRID_BYTES;
    if (fast && dims == 2 && gridRoute(grid) == ROUTE_MULTIPLY && sameIndex(indices, runs, p)) {
      fillIndex(tensorStart, runs, p);
      fillIndex(tensorIndex, runs, p);
      // The steady state of a 2-D population: one index for all, one v128 per run, no branch but
      // the rare ones (an undecided lane, a run that vanished and may raise).
      const counts = flags & FLAG_ROUND
        ? uniformPairs(runs, p, p0, ceiling, grids, h, d, dq, w, vanished, raises, tensorIndex, flags, negLambda, MODE_ROUND)
        : uniformPairs(runs, p, p0, ceiling, grids, h, d, dq, w, vanished, raises, tensorIndex, flags, negLambda, MODE_FLOOR);
      zeros = <i32>i64x2.extract_lane(counts, 0);
      vanishedRuns = i32x4.extract_lane(counts, 2);
      raisesTotal = i32x4.extract_lane(counts, 3);
    } else {
      memory.fill(vanished, 0, <usize>runs);
      memory.copy(tensorStart, indices, <usize>runs << 2);
      memory.copy(tensorIndex, indices, <usize>runs << 2);
      for (let r = 0; r < runs; r++) {
        const byteStart = <usize>(r * dims) << 3;
        const p = load<i32>(indices + (<usize>r << 2));
        let quantized = false;
        if (fast) {
          // The usual case in one loop: a binary grid and a step that does not vanish.
          const grid = grids + <usize>(p - p0) * GRID_BYTES;
          if (gridRoute(grid) == ROUTE_MULTIPLY) {
            const nonZero = flags & FLAG_ROUND
              ? binaryRun(h + byteStart, d + byteStart, dq + byteStart, dims, grid, p - p0, flags, negLambda, MODE_ROUND)
              : binaryRun(h + byteStart, d + byteStart, dq + byteStart, dims, grid, p - p0, flags, negLambda, MODE_FLOOR);
            if (nonZero > 0) {
              addInto(w + byteStart, dq + byteStart, dims);
              zeros += dims - nonZero;
              continue;
            }
            if (!(flags & FLAG_MAY_RAISE) || p >= ceiling) {
              // Vanished for good this step: dQ = 0 leaves w as it is (w + 0 = w: an iterate is never −0).
              store<u8>(vanished + <usize>r, 1);
              vanishedRuns += 1;
              zeros += dims;
              continue;
            }
            quantized = true;
          }
        }
        const nonZero = quantized
          ? finishSegment(d + byteStart, dq + byteStart, w + byteStart, dims, p, p0, ceiling, grids, flags, 0)
          : quantizeSegment(h + byteStart, d + byteStart, dq + byteStart, w + byteStart, dims, p, p0, ceiling, grids, flags, negLambda);
        const raised = segmentRaises;
        const slotOffset = <usize>r << 2;
        if (raised != 0) {
          store<u8>(vanished + <usize>r, 1);
          vanishedRuns += 1;
        }
        if (raised > 0) {
          store<i32>(raises + slotOffset, raised);
          store<i32>(tensorIndex + slotOffset, segmentIndex);
          raisesTotal += raised;
        }
        zeros += dims - nonZero;
      }
    }
  } else {
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
        const byteStart = <usize>(runStart + load<i32>(entry, 0)) << 3;
        const size = load<i32>(entry, 4);
        const slot = slotBase + load<i32>(entry, 8);
        const firstTensor = r * tensorsPerRun + load<i32>(entry, 12);
        const tensorCount = load<i32>(entry, 16);
        const slotRaises = raises + (<usize>slot << 2);
        // A slot shared by several segments (granularity `tensor`) carries this step's earlier raises.
        const startIndex = load<i32>(indices + (<usize>slot << 2)) + load<i32>(slotRaises);
        const nonZero = quantizeSegment(h + byteStart, d + byteStart, dq + byteStart, w + byteStart, size, startIndex, p0, ceiling, grids, flags, negLambda);
        const raised = segmentRaises;
        if (raised != 0) {
          store<u8>(vanished + <usize>slot, 1);
          runVanished = 1;
        }
        if (raised > 0) {
          store<i32>(slotRaises, load<i32>(slotRaises) + raised);
          raisesTotal += raised;
        }
        fill(tensorStart, firstTensor, tensorCount, startIndex);
        fill(tensorIndex, firstTensor, tensorCount, segmentIndex);
        zeros += size - nonZero;
      }
      vanishedRuns += runVanished;
    }
  }
  store<i32>(config + (<usize>C_OUT_ZEROS << 2), zeros);
  store<i32>(config + (<usize>C_OUT_VANISHED_RUNS << 2), vanishedRuns);
  store<i32>(config + (<usize>C_OUT_RAISES << 2), raisesTotal);
}
