/**
 * The quantize + B.2a pass of Algorithm 1 (SPEC §3 eq. 5, §7): given the unquantized step
 * d = −λ·h of every run, quantize it under the reading, raise the indices while a segment's step
 * vanishes (B.2a), and add it to the weights. The Learner (learner.ts) calls it once per step; B.2b
 * and the clock stay with the Learner's scheduler.
 *
 * Two implementations of one semantics: JsQuantizePass below is the definition (and the oracle);
 * src/wasm/pass.ts runs the same decisions in a WebAssembly kernel and is tested against it bit for
 * bit (w, dQ, indices and the report).
 */
import { gridIndex, gridValue, quantizeInto, type Grid } from './quantizer.ts';
import { vanishes, type Reading } from './reading.ts';
import type { Scheduler } from './schedule.ts';

/** One stretch of a run's weights that B.2a tests as a unit, and the index slot it uses. */
export interface Segment {
  /** Offset of the stretch in the run's weights. */
  readonly offset: number;
  readonly size: number;
  /** Index slot within the run. */
  readonly slot: number;
  /** The tensors it covers (all of them under granularity `all`). */
  readonly firstTensor: number;
  readonly tensorCount: number;
}

/** What the last step did; one object, overwritten by every step (no allocation on the hot path). */
export interface StepReport {
  /** Per index slot: 1 when some stretch it quantizes vanished at the index it met (before B.2a). */
  readonly vanished: Uint8Array;
  /** Per index slot: B.2a raises made in this step. */
  readonly raises: Int32Array;
  /** Per run × tensor: the index each tensor's step was quantized with (after B.2a, before B.2b). */
  readonly tensorIndex: Int32Array;
  /** Per run × tensor: the index that tensor met, before B.2a. */
  readonly tensorStartIndex: Int32Array;
  /** Components of the applied step that are exactly zero (all runs and tensors). */
  zeroComponents: number;
  /** Runs with a vanished slot. */
  vanishedRuns: number;
}

/** Everything a pass works on; the Learner owns it (and allocates the arrays where its pass wants them). */
export interface PassContext {
  readonly runs: number;
  /** Weights per run. */
  readonly dims: number;
  readonly segments: readonly Segment[];
  readonly slotsPerRun: number;
  readonly tensorsPerRun: number;
  readonly reading: Reading;
  /** On a non-binary grid an on-grid iterate is snapped back to its grid point after the add. */
  readonly weightsOnGrid: boolean;
  readonly scheduler: Scheduler;
  /** d = −λ·h (runs × dims). */
  readonly unquantizedStep: Float64Array;
  /** Q_p(d), the applied step (runs × dims). */
  readonly quantizedStep: Float64Array;
  readonly report: StepReport;
}

export interface QuantizePass {
  readonly kind: 'js' | 'wasm';
  /**
   * One step: d ← −λ·h when h is given (else d already holds the step), then quantize under the
   * reading with B.2a (raising through scheduler.raise when mayRaise), w ← w + dQ, and the report.
   */
  apply(w: Float64Array, h: Float64Array | null, lambda: number, mayRaise: boolean): void;
}

/** Arrays for a learner's state: plain, or in the memory a kernel works in. */
export interface ArrayAllocator {
  float64(n: number): Float64Array;
  int32(n: number): Int32Array;
  uint8(n: number): Uint8Array;
}

export const PLAIN_ARRAYS: ArrayAllocator = {
  float64: (n) => new Float64Array(n),
  int32: (n) => new Int32Array(n),
  uint8: (n) => new Uint8Array(n),
};

/** The definition: B.2a segment by segment under the reading's granularity, test and cap (SPEC §7). */
export class JsQuantizePass implements QuantizePass {
  readonly kind = 'js';

  constructor(private readonly context: PassContext) {}

  apply(w: Float64Array, h: Float64Array | null, lambda: number, mayRaise: boolean): void {
    const { scheduler, report, reading } = this.context;
    const d = this.context.unquantizedStep;
    const dq = this.context.quantizedStep;
    const n = d.length;
    if (h) for (let i = 0; i < n; i++) d[i] = -lambda * h[i];
    report.raises.fill(0);
    report.vanished.fill(0);
    if (!sameIndex(scheduler.indices)) {
      this.quantizeSegments(w, null, mayRaise);
      return;
    }
    const sharedGrid = scheduler.grid(0);
    const nonZeroTotal = quantizeInto(d, 0, dq, 0, n, sharedGrid, reading.mode);
    if (sharedGrid.binary && reading.test === 'all-zero' && (nonZeroTotal === n || (nonZeroTotal === 0 && !(mayRaise && scheduler.mayRaise(0))))) {
      // One binary grid for every slot and the vanishing test decided for all at once: nothing
      // vanished, or everything did and no index can be raised. The segment loop would reach the
      // same state; this skips its per-segment bookkeeping (the population's usual case).
      const allVanished = nonZeroTotal === 0;
      report.vanished.fill(allVanished ? 1 : 0);
      report.tensorIndex.fill(scheduler.index(0));
      report.tensorStartIndex.fill(scheduler.index(0));
      report.zeroComponents = n - nonZeroTotal;
      report.vanishedRuns = allVanished ? this.context.runs : 0;
      if (!allVanished) for (let i = 0; i < n; i++) w[i] += dq[i];
      return;
    }
    this.quantizeSegments(w, sharedGrid, mayRaise);
  }

  /** B.2a segment by segment; dq already holds Q(d) at `quantizedAt` where that is the segment's grid. */
  private quantizeSegments(w: Float64Array, quantizedAt: Grid | null, mayRaise: boolean): void {
    const { reading, weightsOnGrid, scheduler, report, segments, runs, dims, slotsPerRun, tensorsPerRun } = this.context;
    const { mode, test } = reading;
    const d = this.context.unquantizedStep;
    const dq = this.context.quantizedStep;
    let zeros = 0;
    let vanishedRuns = 0;
    for (let r = 0; r < runs; r++) {
      let runVanished = 0;
      for (const segment of segments) {
        const slot = r * slotsPerRun + segment.slot;
        const start = r * dims + segment.offset;
        const size = segment.size;
        const startIndex = scheduler.index(slot);
        let grid = scheduler.grid(slot);
        let nonZero: number;
        if (grid === quantizedAt) {
          nonZero = 0;
          for (let i = start; i < start + size; i++) if (dq[i] !== 0) nonZero++;
        } else {
          nonZero = quantizeInto(d, start, dq, start, size, grid, mode);
        }
        let vanished = vanishes(test, dq, start, size, nonZero);
        if (vanished) {
          report.vanished[slot] = 1;
          runVanished = 1;
        }
        while (vanished && mayRaise && scheduler.mayRaise(slot)) {
          scheduler.raise(slot);
          report.raises[slot] += 1;
          grid = scheduler.grid(slot);
          nonZero = quantizeInto(d, start, dq, start, size, grid, mode);
          vanished = vanishes(test, dq, start, size, nonZero);
        }
        const used = scheduler.index(slot);
        const firstTensor = r * tensorsPerRun + segment.firstTensor;
        report.tensorStartIndex.fill(startIndex, firstTensor, firstTensor + segment.tensorCount);
        report.tensorIndex.fill(used, firstTensor, firstTensor + segment.tensorCount);
        zeros += size - nonZero;
        // On a binary grid w + dQ is exact for w on the grid; on other grids the doubles nearest
        // to k/Q_p are not closed under addition, so an on-grid iterate is snapped back to its grid
        // point (exact: the float sum is within a few ulps of it). Decided per segment: a
        // scheduler's grids need not all be binary (η = 1, b = 5: Q_0 = 1 is, Q_1 = 5 is not).
        if (grid.binary || !weightsOnGrid) {
          for (let i = start; i < start + size; i++) w[i] += dq[i];
        } else {
          for (let i = start; i < start + size; i++) w[i] = gridValue(gridIndex(w[i] + dq[i], grid, 'round'), grid);
        }
      }
      vanishedRuns += runVanished;
    }
    report.zeroComponents = zeros;
    report.vanishedRuns = vanishedRuns;
  }
}

function sameIndex(indices: Readonly<Int32Array>): boolean {
  const p = indices[0];
  for (let i = 1; i < indices.length; i++) if (indices[i] !== p) return false;
  return true;
}
