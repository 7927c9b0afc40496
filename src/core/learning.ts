/**
 * The learning equations of SPEC §3 and the quantized step of Algorithm 1 (SPEC §7).
 *
 * Directions (SGD, ADAM) work elementwise over a flat Float64Array, so the same code serves one
 * weight vector, a population of simulated runs (runs × dims, run-major) or the flattened tensors
 * of a network. The quantized step is the only implementation of eq. 5 in qle: simulations, the
 * tfjs optimizers and the conformance vectors all call quantizedStep.
 */
import { gridIndex, gridValue, quantizeInto, type QuantMode } from './quantizer.ts';
import type { Scheduler } from './schedule.ts';

/** ADAM hyperparameters (SPEC §3, Appendix B.3.2). */
export interface AdamHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** The paper's ADAM constants. */
export const ADAM_DEFAULTS: AdamHyper = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
/** The reference implementation's ADAM: the same but ε = 1e−6 (SPEC §3). */
export const ADAM_REFERENCE: AdamHyper = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-6 });

/** A direction h(w) from a gradient g: writes h into out (same length as g). */
export interface Direction {
  readonly name: string;
  compute(gradient: Float64Array, out: Float64Array): void;
}

/** SGD: h = g on the mini-batch (SPEC §3, eq. 31). */
export class SgdDirection implements Direction {
  readonly name = 'sgd';
  compute(gradient: Float64Array, out: Float64Array): void {
    if (out !== gradient) out.set(gradient);
  }
}

/**
 * ADAM: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², h = m̂/(√v̂ + ε) with bias-corrected
 * m̂ = m/(1−β1^t), v̂ = v/(1−β2^t) (SPEC §3, eq. 32). One step counter for the whole array.
 */
export class AdamDirection implements Direction {
  readonly name = 'adam';
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Number of directions computed so far. */
  step = 0;

  constructor(size: number, readonly hyper: AdamHyper = ADAM_DEFAULTS) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  compute(gradient: Float64Array, out: Float64Array): void {
    const { beta1, beta2, eps } = this.hyper;
    this.step += 1;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const { m, v } = this;
    for (let i = 0; i < gradient.length; i++) {
      const g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      out[i] = m[i] / correction1 / (Math.sqrt(v[i] / correction2) + eps);
    }
  }
}

export type DirectionKind = 'sgd' | 'adam';

export function makeDirection(kind: DirectionKind, size: number, hyper: AdamHyper = ADAM_DEFAULTS): Direction {
  return kind === 'sgd' ? new SgdDirection() : new AdamDirection(size, hyper);
}

/** The plain learning equation w ← w − λ·h (SPEC §3, eq. 3), over n entries from offset. */
export function plainStep(w: Float64Array, h: Float64Array, offset: number, n: number, lambda: number): void {
  for (let i = offset; i < offset + n; i++) w[i] -= lambda * h[i];
}

/** Work arrays for the quantized step, sized to the longest stretch of weights it will see. */
export interface StepScratch {
  /** d = −λ·h, the unquantized step. */
  readonly step: Float64Array;
  /** Q_p(d), the quantized step that was applied. */
  readonly quantizedStep: Float64Array;
}

export function makeStepScratch(size: number): StepScratch {
  return { step: new Float64Array(size), quantizedStep: new Float64Array(size) };
}

/**
 * One step of the quantized learning equation (SPEC §3 eq. 5, §7 Algorithm 1) on the n weights
 * w[offset … offset+n) with directions h[offset …], quantized by index `index` of the scheduler:
 *
 *   d ← −λ·h;  dQ ← Q_p(d);  while dQ is all zero and B.2a may raise p:  p ← p+1; dQ ← Q_p(d)
 *   w ← w + dQ
 *
 * B.2b and the clock are the scheduler's (scheduler.afterStep / afterEpoch), because with one
 * global index they must run once per step, not once per slice. Records scheduler.vanished and
 * scheduler.raisedByVanishing for this index; scratch holds d and dQ afterwards (from 0).
 *
 * Weights must start on the grid G_p (snapToGrid). On a binary grid the sum w + dQ is exact; on
 * other grids the doubles nearest to k/Q_p are not closed under addition, so the sum is snapped
 * back to its grid point (an exact correction: the float sum is within a few ulps of it).
 */
export function quantizedStep(
  w: Float64Array,
  h: Float64Array,
  offset: number,
  n: number,
  lambda: number,
  mode: QuantMode,
  scheduler: Scheduler,
  index: number,
  scratch: StepScratch,
): void {
  stepRuns(w, h, offset, 1, n, lambda, mode, scheduler, index, scratch);
}

/**
 * The same step for every run of a population laid out run-major (runs × dims), run r quantized
 * by scheduler index r (scheduler.count === runs). Returns how many runs vanished. scratch must
 * hold runs × dims values.
 */
export function quantizedPopulationStep(
  w: Float64Array,
  h: Float64Array,
  runs: number,
  dims: number,
  lambda: number,
  mode: QuantMode,
  scheduler: Scheduler,
  scratch: StepScratch,
): number {
  return stepRuns(w, h, 0, runs, dims, lambda, mode, scheduler, 0, scratch);
}

/**
 * Eq. 5 with B.2a for `runs` consecutive slices of `dims` weights from `offset`, slice r using
 * scheduler index firstIndex + r. Quantizes the whole stretch with one grid when the indices
 * agree (the usual case once B.2b has set them) and re-quantizes only the slices that differ or
 * vanished, so a population step costs a few passes over flat arrays.
 */
function stepRuns(
  w: Float64Array,
  h: Float64Array,
  offset: number,
  runs: number,
  dims: number,
  lambda: number,
  mode: QuantMode,
  scheduler: Scheduler,
  firstIndex: number,
  scratch: StepScratch,
): number {
  const { step, quantizedStep: dq } = scratch;
  const n = runs * dims;
  if (step.length < n) throw new RangeError(`step scratch holds ${step.length} values, the step needs ${n} (runs × dims)`);
  for (let i = 0; i < n; i++) step[i] = -lambda * h[offset + i];
  const sharedGrid = scheduler.grid(firstIndex);
  const nonZeroTotal = quantizeInto(step, 0, dq, 0, n, sharedGrid, mode);
  if (sharedGrid.binary && (nonZeroTotal === n || nonZeroTotal === 0) && sameIndex(scheduler.p, firstIndex, runs)) {
    // Every run on one binary grid and the vanishing test decided for all at once: no run has a
    // zero component (none vanished), or all are zero and B.2a cannot raise the shared index.
    // The per-run bookkeeping below would reach the same state; this skips its loops.
    const allVanished = nonZeroTotal === 0;
    if (!allVanished || !scheduler.mayRaise(firstIndex)) {
      scheduler.vanished.fill(allVanished ? 1 : 0, firstIndex, firstIndex + runs);
      scheduler.raisedByVanishing.fill(0, firstIndex, firstIndex + runs);
      if (!allVanished) for (let i = 0; i < n; i++) w[offset + i] += dq[i];
      return allVanished ? runs : 0;
    }
  }
  let vanishedRuns = 0;
  for (let r = 0; r < runs; r++) {
    const index = firstIndex + r;
    const start = r * dims;
    let grid = scheduler.grid(index);
    let nonZero: number;
    if (grid !== sharedGrid) {
      nonZero = quantizeInto(step, start, dq, start, dims, grid, mode);
    } else {
      nonZero = 0;
      for (let i = start; i < start + dims; i++) if (dq[i] !== 0) nonZero++;
    }
    scheduler.vanished[index] = nonZero === 0 ? 1 : 0;
    scheduler.raisedByVanishing[index] = 0;
    if (nonZero === 0) vanishedRuns++;
    while (nonZero === 0 && scheduler.mayRaise(index)) {
      scheduler.raise(index);
      grid = scheduler.grid(index);
      nonZero = quantizeInto(step, start, dq, start, dims, grid, mode);
    }
    // Decided per run by the grid the step was quantized on: a scheduler's grids need not all be
    // binary or all non-binary (η = 1, b = 5: Q_0 = 1 is binary, Q_1 = 5 is not), so B.2a can
    // move a run from one kind to the other.
    if (grid.binary) {
      for (let i = start; i < start + dims; i++) w[offset + i] += dq[i];
    } else {
      for (let i = 0; i < dims; i++) {
        const j = offset + start + i;
        w[j] = gridValue(gridIndex(w[j] + dq[start + i], grid, 'round'), grid);
      }
    }
  }
  return vanishedRuns;
}

/** True when indices[first … first+count) are all equal. */
function sameIndex(indices: Int32Array, first: number, count: number): boolean {
  const p = indices[first];
  for (let i = first + 1; i < first + count; i++) if (indices[i] !== p) return false;
  return true;
}

/** Put weights on the grid G_p of the scheduler's index (round mode), so eq. 5 keeps them there. */
export function snapToGrid(w: Float64Array, offset: number, n: number, scheduler: Scheduler, index: number): void {
  quantizeInto(w, offset, w, offset, n, scheduler.grid(index), 'round');
}
