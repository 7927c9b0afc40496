/**
 * Which basin a point lies in (SPEC §5: Theorem 3.1 is about the law of W_s concentrating on the
 * global minimisers, i.e. the mass of their basin, not about the thermal width inside it). A point's
 * basin is the local minimiser gradient flow takes it to: found by quenching, gradient descent with
 * a backtracking step (Armijo) whose move is capped so that it follows the flow instead of jumping
 * over ridges. Objectives that know their basin in closed form (the double well) answer directly.
 */
import { distanceToMinimiser, type Objective } from './objective.ts';

export interface QuenchOptions {
  /** Largest move per iteration (Euclidean); default 1/200 of the box width. */
  readonly maxMove?: number;
  /** Stop when the gradient norm falls below this; default 1e-9. */
  readonly tolerance?: number;
  /** Stop when an accepted move is shorter than this (float resolution near a minimiser); default 1e-12 of the box width. */
  readonly minMove?: number;
  /** Iteration cap; default 20 000. */
  readonly maxIterations?: number;
}

export interface QuenchResult {
  /** Where descent stopped (a local minimiser, up to the tolerance). */
  readonly point: Float64Array;
  readonly value: number;
  readonly iterations: number;
}

/** Gradient descent with Armijo backtracking and a capped move from w[offset …] (w is not changed). */
export function quench(objective: Objective, w: Float64Array, offset: number, options: QuenchOptions = {}): QuenchResult {
  const d = objective.dims;
  const maxMove = options.maxMove ?? (objective.upper - objective.lower) / 200;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 20_000;
  const minMove = options.minMove ?? 1e-12 * (objective.upper - objective.lower);
  const x = Float64Array.from(w.subarray(offset, offset + d));
  const trial = new Float64Array(d);
  const g = new Float64Array(d);
  let value = objective.value(x, 0);
  let step = maxMove;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    objective.gradient(x, 0, g, 0);
    let norm2 = 0;
    for (let i = 0; i < d; i++) norm2 += g[i] * g[i];
    const norm = Math.sqrt(norm2);
    if (!(norm > tolerance)) break;
    // Try twice the last accepted step (capped), halve until Armijo's sufficient decrease holds.
    step = Math.min(2 * step, maxMove / norm);
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < d; i++) trial[i] = x[i] - step * g[i];
      const next = objective.value(trial, 0);
      if (next <= value - 0.5 * step * norm2) {
        x.set(trial);
        value = next;
        accepted = true;
        break;
      }
      step /= 2;
    }
    // No decrease representable, or moves below float resolution: at a minimiser to float precision.
    if (!accepted || step * norm < minMove) break;
  }
  return { point: x, value, iterations };
}

/**
 * True when the point at w[offset …] lies in the basin of a global minimiser: the objective's
 * closed form when it has one, else its quench ends within `radius` of a global minimiser (default
 * 1e-3 of the box width).
 */
export function inGlobalBasin(objective: Objective, w: Float64Array, offset: number, options: QuenchOptions & { radius?: number } = {}): boolean {
  if (objective.globalBasin) return objective.globalBasin(w, offset);
  const { point } = quench(objective, w, offset, options);
  const radius = options.radius ?? 1e-3 * (objective.upper - objective.lower);
  return distanceToMinimiser(objective, point, 0) < radius;
}
