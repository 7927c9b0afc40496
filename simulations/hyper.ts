/**
 * Hyperparameters chosen once per problem by stated rules, before any optimizer runs, and the same
 * for every optimizer (nothing is tuned on results). Each rule reads only the objective:
 *
 * - λ: the GD-stable power of two, λ = 2^−⌈log2 L⌉ clamped to the paper's grid [2^−10, 2^−2], with
 *   L the largest second difference ‖∇f(x + h·e_i) − ∇f(x − h·e_i)‖/(2h) over 256 seeded points of
 *   the box (h = 1e−4) and every coordinate i.
 * - c (temperature scale of the annealed peers and of the proposed methods with Langevin κ): the
 *   standard deviation of f over 4096 seeded uniform points of the box (the Theorem 3.1 study
 *   instead sets c relative to the analytic barrier Δ).
 * - SGD gradient-noise σ = √(2·T_end/λ): SGD then runs at the constant temperature λσ²/2 = T_end,
 *   the temperature c/ln(λN + 2) the annealed Langevin peer reaches at the end of the budget N.
 * - Simulated-annealing proposal σ = (upper − lower)/100.
 */
import { gemanHwangTemperature, noiseForTemperature } from '../src/core/sde.ts';
import { createObjective } from '../src/core/objectives/index.ts';
import type { Objective } from '../src/core/objectives/objective.ts';
import { createRng, deriveSeed, fillUniform } from '../src/core/rng.ts';

/** The seed of the rule samples: fixed, independent of any study seed. */
export const HYPER_SEED = 20240601;
export const LAMBDA_MIN_LOG2 = -10;
export const LAMBDA_MAX_LOG2 = -2;

export interface Problem {
  readonly objective: string;
  readonly dims: number;
  /** A plug-in objective: where it comes from, so worker threads can load it (simulations/plugins.ts). */
  readonly source?: ObjectiveSource;
}

/** A user's objective as cells carry it: a module (path and content hash) or a formula with its box and minimisers. */
export type ObjectiveSource =
  | { readonly kind: 'module'; readonly path: string; readonly sha256: string }
  | {
      readonly kind: 'expression';
      readonly expression: string;
      readonly lower: number;
      readonly upper: number;
      /** Found numerically by the main thread (core local-minima), so every worker uses the same ones. */
      readonly minimisers: readonly (readonly number[])[];
      /** How they were found, for the report. */
      readonly method: string;
    };

export interface ProblemHyper {
  /** L, the curvature estimate behind λ. */
  readonly curvature: number;
  readonly lambda: number;
  readonly c: number;
  readonly proposal: number;
}

export function problemKey(problem: Problem): string {
  return `${problem.objective}-d${problem.dims}`;
}

export function estimateCurvature(objective: Objective): number {
  const d = objective.dims;
  const rng = createRng(deriveSeed(HYPER_SEED, d, 1));
  const x = new Float64Array(d);
  const plus = new Float64Array(d);
  const minus = new Float64Array(d);
  const gPlus = new Float64Array(d);
  const gMinus = new Float64Array(d);
  const h = 1e-4;
  let L = 0;
  for (let s = 0; s < 256; s++) {
    fillUniform(rng, x, objective.lower, objective.upper);
    for (let i = 0; i < d; i++) {
      plus.set(x);
      minus.set(x);
      plus[i] += h;
      minus[i] -= h;
      objective.gradient(plus, 0, gPlus, 0);
      objective.gradient(minus, 0, gMinus, 0);
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (gPlus[j] - gMinus[j]) ** 2;
      L = Math.max(L, Math.sqrt(norm) / (2 * h));
    }
  }
  return L;
}

export function valueSpread(objective: Objective): number {
  const d = objective.dims;
  const rng = createRng(deriveSeed(HYPER_SEED, d, 2));
  const x = new Float64Array(d);
  const values = new Float64Array(4096);
  for (let s = 0; s < values.length; s++) {
    fillUniform(rng, x, objective.lower, objective.upper);
    values[s] = objective.value(x, 0);
  }
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

const cache = new Map<string, ProblemHyper>();

export function problemHyper(problem: Problem): ProblemHyper {
  // A plug-in's name can stand for another function on the next request: its source is in the key.
  const key = problem.source ? `${problemKey(problem)} ${JSON.stringify(problem.source)}` : problemKey(problem);
  const known = cache.get(key);
  if (known) return known;
  const objective = createObjective(problem.objective, problem.dims);
  const curvature = estimateCurvature(objective);
  const log2 = Math.min(LAMBDA_MAX_LOG2, Math.max(LAMBDA_MIN_LOG2, -Math.ceil(Math.log2(curvature))));
  const hyper: ProblemHyper = {
    curvature,
    lambda: 2 ** log2,
    c: valueSpread(objective),
    proposal: (objective.upper - objective.lower) / 100,
  };
  cache.set(key, hyper);
  return hyper;
}

/** σ of SGD's gradient noise: the constant temperature λσ²/2 that Geman–Hwang cooling c/ln(λt + 2) reaches at the last step (core sde.ts). */
export function sgdNoise(lambda: number, c: number, steps: number): number {
  return noiseForTemperature(gemanHwangTemperature(c, lambda)(steps), lambda);
}
