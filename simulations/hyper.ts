/**
 * Hyperparameters chosen once per problem by stated rules, before any optimizer runs, and the same
 * for every optimizer (nothing is tuned on results). Each rule reads only the objective:
 *
 * - λ: the GD-stable power of two, λ = 2^−⌈log2 L⌉ clamped to the paper's grid [2^−10, 2^−2], with
 *   L the largest second difference ‖∇f(x + h·e_i) − ∇f(x − h·e_i)‖/(2h) over 256 seeded points of
 *   the box (h = 1e−4) and every coordinate i.
 * - c (temperature constant of every annealed method: Langevin, simulated annealing, the proposed
 *   methods with Langevin κ as C): c = Δ, the barrier of Theorem 3.1 — the objective's analytic Δ
 *   where it states one, else the estimate Δ̂ of estimateBarrier. It is the smallest c for which the
 *   theorem promises convergence, and it ends the run cold relative to the barrier: on the one
 *   clock T(t) = c/ln(t + 2) of every annealed method, T_end/Δ = 1/ln(N + 2) (0.109 at N = 10^4,
 *   0.087 at N = 10^5). The Theorem 3.1 study sweeps c/Δ instead.
 * - SGD gradient-noise σ = √(2·T_end/λ): SGD then runs at the constant temperature λσ²/2 = T_end,
 *   the temperature c/ln(N + 2) the annealed methods reach at the end of the budget N.
 * - Simulated-annealing proposal σ = (upper − lower)/100.
 */
import { gemanHwangTemperature, noiseForTemperature } from '../src/core/sde.ts';
import { createObjective, quench } from '../src/core/objectives/index.ts';
import { distanceToMinimiser, type Objective } from '../src/core/objectives/objective.ts';
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
  /** The mirror image f(−w) (core mirrorObjective): the floor quantizer's control. Same rules' outputs as f. */
  readonly mirrored?: boolean;
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
  /** The barrier the c rule used, and where it came from. */
  readonly barrier: number;
  readonly barrierSource: 'analytic' | 'estimated';
  readonly c: number;
  readonly proposal: number;
}

export function problemKey(problem: Problem): string {
  return `${problem.objective}-d${problem.dims}${problem.mirrored ? '-mirrored' : ''}`;
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

/** Local minimisers closer than this fraction of the box width are one. */
const SAME_MINIMISER = 1e-4;
const BARRIER_STARTS = 64;
const BARRIER_RANDOM_DIRECTIONS = 16;
/** Ray resolution, in box widths. */
const RAY_STEP = 1 / 4000;

/**
 * Δ̂, the depth of the deepest non-global well found, from the objective alone: 64 seeded uniform
 * points of the box are quenched (core quench) to local minimisers, deduplicated. For each
 * non-global one m, the depth along a ray from m is the highest f met on the ray before f first
 * drops below f(m) (inside the box), minus f(m); the well's depth is the smallest over the 2d axis
 * directions and 16 seeded random directions (a ray upper-bounds the true pass, so the smallest is
 * the best bound); Δ̂ is the largest well depth. Wells with no lower point on any ray are skipped.
 */
export function estimateBarrier(objective: Objective): number {
  const d = objective.dims;
  const width = objective.upper - objective.lower;
  const rng = createRng(deriveSeed(HYPER_SEED, d, 3));
  const x = new Float64Array(d);
  const minima: { point: Float64Array; value: number }[] = [];
  for (let s = 0; s < BARRIER_STARTS; s++) {
    fillUniform(rng, x, objective.lower, objective.upper);
    const { point, value } = quench(objective, x, 0);
    const known = minima.some((m) => Math.hypot(...m.point.map((v, i) => v - point[i])) < SAME_MINIMISER * width);
    if (!known) minima.push({ point, value });
  }
  const directions: Float64Array[] = [];
  for (let i = 0; i < d; i++) {
    for (const sign of [1, -1]) {
      const u = new Float64Array(d);
      u[i] = sign;
      directions.push(u);
    }
  }
  for (let k = 0; k < BARRIER_RANDOM_DIRECTIONS; k++) {
    const u = Float64Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...u);
    directions.push(u.map((v) => v / norm));
  }
  const globalTolerance = 1e-3 * width;
  const point = new Float64Array(d);
  let deepest = 0;
  for (const m of minima) {
    if (distanceToMinimiser(objective, m.point, 0) < globalTolerance) continue;
    let depth = Infinity;
    for (const u of directions) {
      let highest = m.value;
      for (let step = 1; ; step++) {
        const r = step * RAY_STEP * width;
        let inside = true;
        for (let i = 0; i < d; i++) {
          point[i] = m.point[i] + r * u[i];
          if (point[i] < objective.lower || point[i] > objective.upper) inside = false;
        }
        if (!inside || highest - m.value >= depth) break; // left the box, or no better than a ray already found
        const value = objective.value(point, 0);
        if (value < m.value - 1e-12 * Math.max(1, Math.abs(m.value))) {
          depth = Math.min(depth, highest - m.value);
          break;
        }
        highest = Math.max(highest, value);
      }
    }
    if (Number.isFinite(depth)) deepest = Math.max(deepest, depth);
  }
  return deepest;
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
  const analytic = objective.barrier;
  const barrier = analytic ?? estimateBarrier(objective);
  const hyper: ProblemHyper = {
    curvature,
    lambda: 2 ** log2,
    barrier,
    barrierSource: analytic === undefined ? 'estimated' : 'analytic',
    c: barrier,
    proposal: (objective.upper - objective.lower) / 100,
  };
  cache.set(key, hyper);
  return hyper;
}

/** The temperature every annealed method reaches after `steps` evaluations on the one clock: c/ln(steps + 2) (core sde.ts). */
export function endTemperature(c: number, steps: number): number {
  return gemanHwangTemperature(c, 1)(steps);
}

/** σ of SGD's gradient noise: constant temperature λσ²/2 = T_end = c/ln(steps + 2) (core sde.ts). */
export function sgdNoise(lambda: number, c: number, steps: number): number {
  return noiseForTemperature(endTemperature(c, steps), lambda);
}
