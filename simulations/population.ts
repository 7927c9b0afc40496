/**
 * A population of independent runs of one optimizer on one objective, laid out as
 * structure-of-arrays: w[r·dims + i] is coordinate i of run r (run-major Float64Array).
 *
 * The population owns what every optimizer shares: the starts, one seeded generator per run,
 * the gradient evaluation and the divergence guard.
 *
 * With the wasm kernels on (the default; QLE_WASM=0 switches them off) w, g and the divergence flags
 * live in the kernels' memory, where the quantized learner's pass updates w in place, and a built-in
 * objective's gradient and the guard run as one kernel (src/wasm/gradients.ts), bit for bit the JS
 * loops below.
 */
import { createRng, deriveSeed, fillUniform, type Rng } from '../src/core/rng.ts';
import type { Objective } from '../src/core/objectives/objective.ts';
import { kernels } from '../src/wasm/kernels.ts';
import { populationGradient, type PopulationGradient } from '../src/wasm/gradients.ts';

/** Labels mixed into seeds (core deriveSeed): which stream a generator feeds. */
export const SEED_LABEL_START = 1;

/**
 * A run is declared diverged (frozen, counted as a miss) when an iterate leaves the search box
 * widened by this many box widths on each side, or becomes non-finite.
 */
export const DIVERGENCE_BOX_WIDTHS = 10;
/**
 * …or when one step would move a coordinate by more than this (|λ·g|): far beyond any box, and
 * it keeps |Q_p·λg| below 2^53 for every p ≤ 32, where the quantizer's exact range ends.
 */
export const DIVERGENCE_STEP = 1e4;

export interface PopulationSeeds {
  /** Seeds the start of run r: the same for every optimizer on a problem (common random numbers). */
  readonly start: (run: number) => number;
  /** Seeds the noise stream of run r: differs per cell. */
  readonly noise: (run: number) => number;
}

/** Seeds of study seed S: starts from deriveSeed(S, problem, run, START), noise from deriveSeed(S, cell, run). */
export function studySeeds(studySeed: number, problemIndex: number, cellIndex: number): PopulationSeeds {
  return {
    start: (run) => deriveSeed(studySeed, problemIndex, run, SEED_LABEL_START),
    noise: (run) => deriveSeed(studySeed, cellIndex, run),
  };
}

export class Population {
  /** Iterates, runs × dims. */
  readonly w: Float64Array;
  /** Gradients, runs × dims. */
  readonly g: Float64Array;
  /** One generator per run: what run r draws depends on its own seed only. */
  readonly rngs: Rng[];
  /** 1 for runs frozen by the divergence guard. */
  readonly diverged: Uint8Array;
  divergedCount = 0;
  /** Gradient (or function) evaluations spent per run so far. */
  evaluations = 0;
  readonly dims: number;
  private readonly low: number;
  private readonly high: number;
  /** The wasm gradient + guard of a built-in objective (null: the JS loops). */
  private readonly kernel: PopulationGradient | null;

  /**
   * Starts are uniform in `startBox` (per coordinate; default the objective's box): the theorem
   * study starts every run in the shallow well's basin this way. The divergence guard keeps the
   * objective's box.
   */
  constructor(readonly objective: Objective, readonly runs: number, seeds: PopulationSeeds, startBox?: readonly [number, number]) {
    this.dims = objective.dims;
    const n = runs * this.dims;
    const wasm = kernels();
    this.w = wasm ? wasm.float64(n) : new Float64Array(n);
    this.g = wasm ? wasm.float64(n) : new Float64Array(n);
    this.diverged = wasm ? wasm.uint8(runs) : new Uint8Array(runs);
    this.kernel = wasm ? populationGradient(wasm, objective, runs, this) : null;
    this.rngs = [];
    for (let r = 0; r < runs; r++) {
      const start = createRng(seeds.start(r));
      const [lower, upper] = startBox ?? [objective.lower, objective.upper];
      fillUniform(start, this.w.subarray(r * this.dims, (r + 1) * this.dims), lower, upper);
      this.rngs.push(createRng(seeds.noise(r)));
    }
    const width = objective.upper - objective.lower;
    this.low = objective.lower - DIVERGENCE_BOX_WIDTHS * width;
    this.high = objective.upper + DIVERGENCE_BOX_WIDTHS * width;
  }

  /** Freeze run r (it keeps its last iterate and gets zero gradients from now on). */
  freeze(r: number): void {
    if (this.diverged[r] === 0) {
      this.diverged[r] = 1;
      this.divergedCount += 1;
    }
  }

  /** True when run r is outside the widened box or non-finite: then it is frozen. */
  guard(r: number): boolean {
    if (this.diverged[r] === 1) return true;
    const { w, dims, low, high } = this;
    for (let i = r * dims; i < (r + 1) * dims; i++) {
      const x = w[i];
      if (!(x >= low && x <= high)) {
        this.freeze(r);
        return true;
      }
    }
    return false;
  }

  /**
   * g += N(0, σ²) per component for every live run, from the run's own generator: the stand-in
   * for mini-batch noise (SPEC §3, eq. 31) of `sgd` and of the quantized `-noise` variants. One
   * loop for both, so the same σ and seed give them the same draws in the same order.
   */
  addGradientNoise(sigma: number): void {
    const { g, dims, runs, rngs, diverged } = this;
    for (let r = 0; r < runs; r++) {
      // Frozen runs keep g = 0 and draw nothing.
      if (diverged[r]) continue;
      const rng = rngs[r];
      for (let i = r * dims; i < (r + 1) * dims; i++) g[i] += sigma * rng.normal();
    }
  }

  /**
   * ∇f for every run into g: one gradient evaluation per run. Frozen runs, and runs whose step
   * λ·g would exceed DIVERGENCE_STEP, get g = 0 (and are frozen).
   */
  gradient(lambda: number): Float64Array {
    const { objective, w, g, dims, runs, diverged } = this;
    if (this.kernel) {
      this.divergedCount += this.kernel(this.low, this.high, DIVERGENCE_STEP / lambda, this.divergedCount);
      this.evaluations += 1;
      return g;
    }
    for (let r = 0; r < runs; r++) {
      const offset = r * dims;
      if (diverged[r] === 0) objective.gradient(w, offset, g, offset);
      else g.fill(0, offset, offset + dims);
    }
    // One flat pass over the population; only when something is off, find and freeze the runs.
    const { low, high } = this;
    const limit = DIVERGENCE_STEP / lambda;
    let suspect = false;
    for (let i = 0; i < runs * dims; i++) {
      const x = w[i];
      if (!(x >= low && x <= high && Math.abs(g[i]) <= limit)) {
        suspect = true;
        break;
      }
    }
    if (suspect) {
      for (let r = 0; r < runs; r++) {
        if (diverged[r] === 1) continue;
        for (let i = r * dims; i < (r + 1) * dims; i++) {
          // Outside the widened box, non-finite, or a step |λg| beyond DIVERGENCE_STEP (NaN fails every test).
          if (!(w[i] >= low && w[i] <= high && Math.abs(g[i]) <= limit)) {
            this.freeze(r);
            g.fill(0, r * dims, (r + 1) * dims);
            break;
          }
        }
      }
    }
    this.evaluations += 1;
    return g;
  }
}
