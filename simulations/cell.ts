/**
 * A cell is the unit of work of a study: one optimizer on one problem, `runs` independent runs of
 * `steps` evaluations each. Cells are plain JSON: they travel to worker threads, key the cache and
 * are written into results.json next to their numbers.
 */
import type { Interval } from '../src/core/stats.ts';
import type { Problem } from './hyper.ts';
import type { OptimizerSpec } from './optimizers/optimizer.ts';

export interface CellConfig {
  readonly study: string;
  /** Position of the cell in its study: part of each run's noise seed. */
  readonly index: number;
  /** Position of the problem in its study: the runs' start seeds (shared by all optimizers). */
  readonly problemIndex: number;
  readonly problem: Problem;
  /** The optimizer's name in the roster, or a study's variant name. */
  readonly optimizer: string;
  readonly spec: OptimizerSpec;
  readonly runs: number;
  /** Evaluations (steps) per run. */
  readonly steps: number;
  /** The study seed. */
  readonly seed: number;
  /** Hit radius around a global minimiser. */
  readonly delta: number;
  /** Hit tolerance on f − f*. */
  readonly epsilon: number;
  /** f − f* targets of the hitting-time ECDF and ERT. */
  readonly targets: readonly number[];
  /** Study-specific coordinates of the cell (e.g. c/Δ, log2 λ, ablation switch). */
  readonly labels: Readonly<Record<string, string | number>>;
  /** Double-well tilt when it is not the default (unused otherwise). */
  readonly tilt?: number;
  /** Starts uniform in this interval per coordinate instead of the objective's box. */
  readonly startBox?: readonly [number, number];
  /** Evaluation counts at which per-run basin and δ indicators are recorded; default [steps]. */
  readonly horizons?: readonly number[];
}

export interface Spread {
  readonly min: number;
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  readonly max: number;
}

export interface TargetResult {
  /** f − f* < epsilon is the target. */
  readonly epsilon: number;
  /** Runs whose f − f* fell below the target at some checkpoint. */
  readonly hits: number;
  /** COCO expected running time in evaluations; null when no run hit. */
  readonly ert: number | null;
  /** Fraction of runs that had hit by each checkpoint (core hittingEcdf). */
  readonly ecdf: readonly number[];
}

/** Along-the-run diagnostics of the quantized optimizers, summarised over runs at checkpoints. */
export interface QuantizationTrace {
  /** Run-steps whose quantized update was all zero at the index it started with (B.2a's trigger). */
  readonly vanishedSteps: number;
  readonly vanishedFraction: number;
  /** Proposed optimizers: run-steps where T_q(t)·ln(t+2) < C/b² (core annealingMargin < 1). */
  readonly brokenSteps: number | null;
  readonly brokenFraction: number | null;
  /** Runs with at least one broken step. */
  readonly runsBroken: number | null;
  /** The index p at each checkpoint over runs. */
  readonly p: readonly Spread[];
  /** Median Q_p and median realised temperature T_q = κ/Q_p² at each checkpoint. */
  readonly Q: readonly number[];
  readonly Tq: readonly number[];
  /** C/ln(t+2) at each checkpoint (core logarithmicFloor); null for fixed p. */
  readonly floor: readonly number[] | null;
}

/** Per-run indicators at one horizon: one character per run, '1' or '0' (diverged runs '0'). */
export interface HorizonIndicators {
  /** Evaluations so far. */
  readonly t: number;
  /** The iterate lies in the global minimisers' basin (closed form, or quenched by gradient descent). */
  readonly basin: string;
  /** The iterate lies within δ of a global minimiser. */
  readonly delta: string;
}

/** Where the runs are relative to the global basin (SPEC §5: the law of W concentrates on it). */
export interface BasinResult {
  /** How membership was decided: the objective's closed form, or quenching with gradient descent. */
  readonly decidedBy: 'closed-form' | 'quench';
  /** Per run: the start lies in the global basin. */
  readonly start: string;
  readonly horizons: readonly HorizonIndicators[];
  /** Runs in the global basin at each checkpoint (closed form only, else null). */
  readonly series: readonly number[] | null;
  /**
   * Per run: the first evaluation count after which the iterate was in the global basin, checked
   * after every step (0: started there; null: never). Closed form only, else null.
   */
  readonly firstPassage: readonly (number | null)[] | null;
}

export interface CellResult {
  readonly evaluationsPerRun: number;
  readonly diverged: number;
  readonly final: {
    readonly hitsDelta: number;
    readonly hitsEpsilon: number;
    /** Runs whose final iterate equals a global minimiser exactly (distance 0 in floating point). */
    readonly exact: number;
    readonly rateDelta: Interval;
    readonly rateEpsilon: Interval;
    /** Runs whose final iterate lies in the global basin, and its Wilson interval. */
    readonly hitsBasin: number;
    readonly rateBasin: Interval;
    /** f − f* of the final iterates (diverged runs excluded; null if all diverged). */
    readonly gap: Spread | null;
  };
  /** Evaluation counts at which the population was observed (geometric, ~10 per decade, and the last). */
  readonly checkpoints: readonly number[];
  /** Runs within δ, and with f − f* < ε, at each checkpoint (the iterate then, not the best so far). */
  readonly seriesDelta: readonly number[];
  readonly seriesEpsilon: readonly number[];
  readonly targets: readonly TargetResult[];
  /** Annealed optimizers: the temperature they target at each checkpoint. */
  readonly temperature: readonly number[] | null;
  readonly quantization: QuantizationTrace | null;
  readonly basin: BasinResult;
}
