/**
 * The continuous model of SPEC §4–§5: overdamped Langevin dynamics
 *   dW_s = −∇f(W_s) ds + √(2·T(s)) dB_s
 * simulated by Euler–Maruyama, its temperature schedules, and the Gibbs density π_T ∝ exp(−f/T)
 * that is its stationary law at fixed T.
 */
import type { Objective } from './objectives/objective.ts';
import type { Rng } from './rng.ts';
import { quantizationTemperature, type ScheduleParams } from './schedule.ts';

/** Temperature as a function of the step index t (time s = t·dt). */
export type TemperatureSchedule = (t: number) => number;

export function constantTemperature(T: number): TemperatureSchedule {
  return () => T;
}

/** Geman–Hwang T(s) = c / ln(s + 2) with s = t·dt (SPEC §5, eq. 9). */
/**
 * σ of per-component gradient noise whose Euler–Maruyama step w − λ(g + σz) has temperature T:
 * λ²σ² = 2λT, so σ = √(2T/λ) (SPEC §4, the same matching that gives T_q).
 */
export function noiseForTemperature(T: number, lambda: number): number {
  return Math.sqrt((2 * T) / lambda);
}

export function gemanHwangTemperature(c: number, dt: number): TemperatureSchedule {
  return (t) => c / Math.log(t * dt + 2);
}

/**
 * The temperature a quantized run realises, κ/Q_{p(t)}² (SPEC §5), from the index it used at
 * each step: the bridge from the learning equation to the SDE.
 */
export function realisedTemperature(indexAt: (t: number) => number, params: ScheduleParams): TemperatureSchedule {
  return (t) => quantizationTemperature(indexAt(t), params);
}

/**
 * One Euler–Maruyama step for every run of a population (runs × dims, run-major):
 * W ← W − ∇f(W)·dt + √(2·T·dt)·ξ, ξ ~ N(0, I). gradient is scratch of the same size as W.
 */
export function eulerMaruyamaStep(
  objective: Objective,
  w: Float64Array,
  gradient: Float64Array,
  runs: number,
  dt: number,
  temperature: number,
  rng: Rng,
): void {
  const dims = objective.dims;
  const noise = Math.sqrt(2 * temperature * dt);
  for (let r = 0; r < runs; r++) objective.gradient(w, r * dims, gradient, r * dims);
  for (let i = 0; i < runs * dims; i++) w[i] += -gradient[i] * dt + noise * rng.normal();
}

/** Run Euler–Maruyama for `steps` steps under a temperature schedule; calls observe after each. */
export function simulateLangevin(
  objective: Objective,
  w: Float64Array,
  runs: number,
  dt: number,
  steps: number,
  schedule: TemperatureSchedule,
  rng: Rng,
  observe?: (t: number, w: Float64Array) => void,
): void {
  const gradient = new Float64Array(w.length);
  for (let t = 0; t < steps; t++) {
    eulerMaruyamaStep(objective, w, gradient, runs, dt, schedule(t), rng);
    observe?.(t, w);
  }
}

/**
 * Gibbs probabilities of the cells of a 1-D grid: cell i is [edges[i], edges[i+1]), its mass
 * ∫ exp(−f/T) over the cell by the midpoint rule, normalised to sum 1 (SPEC §4).
 */
export function gibbsCellProbabilities(f: (w: number) => number, edges: Float64Array, temperature: number): Float64Array {
  const cells = edges.length - 1;
  const logMass = new Float64Array(cells);
  let maxLog = -Infinity;
  for (let i = 0; i < cells; i++) {
    const mid = 0.5 * (edges[i] + edges[i + 1]);
    logMass[i] = -f(mid) / temperature + Math.log(edges[i + 1] - edges[i]);
    if (logMass[i] > maxLog) maxLog = logMass[i];
  }
  let total = 0;
  const mass = new Float64Array(cells);
  for (let i = 0; i < cells; i++) {
    mass[i] = Math.exp(logMass[i] - maxLog);
    total += mass[i];
  }
  for (let i = 0; i < cells; i++) mass[i] /= total;
  return mass;
}

/** Total variation distance ½Σ|p − q| between two probability vectors on the same cells. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - q[i]);
  return 0.5 * sum;
}

/** Histogram of samples over 1-D cells [edges[i], edges[i+1]), normalised by the samples inside. */
export function histogram(samples: ArrayLike<number>, edges: Float64Array): Float64Array {
  const cells = edges.length - 1;
  const counts = new Float64Array(cells);
  const lo = edges[0];
  const width = (edges[cells] - lo) / cells;
  let inside = 0;
  for (let i = 0; i < samples.length; i++) {
    const cell = Math.floor((samples[i] - lo) / width);
    if (cell >= 0 && cell < cells) {
      counts[cell] += 1;
      inside += 1;
    }
  }
  for (let i = 0; i < cells; i++) counts[i] /= inside || 1;
  return counts;
}

/** n + 1 evenly spaced edges of n cells over [lo, hi]. */
export function uniformEdges(lo: number, hi: number, cells: number): Float64Array {
  return Float64Array.from({ length: cells + 1 }, (_, i) => lo + ((hi - lo) * i) / cells);
}

/** f at the n + 1 nodes of [a, b] (n even): the composite Simpson rule's points. */
function simpsonNodes(f: (w: number) => number, a: number, b: number, n: number): { h: number; values: Float64Array } {
  const h = (b - a) / n;
  return { h, values: Float64Array.from({ length: n + 1 }, (_, i) => f(a + i * h)) };
}

/** ∫ exp(−(f − shift)/T) over the nodes by the composite Simpson rule. */
function simpsonBoltzmann(nodes: { h: number; values: Float64Array }, temperature: number, shift: number): number {
  const { h, values } = nodes;
  const n = values.length - 1;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(-(values[i] - shift) / temperature);
  }
  return (sum * h) / 3;
}

/**
 * The Gibbs probability π_T(A) = ∫_A e^{−f/T} / ∫ e^{−f/T} of each interval A in `regions`, on a
 * 1-D support [lo, hi] that holds all but a negligible part of the mass (SPEC §4–§5): the
 * stationary law a method at fixed temperature T would reach, the reference for basin occupancy
 * and within-δ rates at a horizon's temperature. Numerical integration: composite Simpson with
 * `cells` subintervals over the support and proportionally many over each region; the exponent is
 * shifted by the smallest f met at any node, so nothing overflows. T must be resolvable by the
 * cells (the Gibbs width √(T/f'') several cells wide); as T → 0 use the limit (all mass at the
 * global minimisers) instead.
 */
export function gibbsMass(
  f: (w: number) => number,
  temperature: number,
  regions: readonly (readonly [number, number])[],
  support: readonly [number, number],
  cells = 20_000,
): number[] {
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`gibbsMass: temperature must be a positive number, got ${temperature}`);
  const [lo, hi] = support;
  if (!(hi > lo)) throw new RangeError(`gibbsMass: support must be an interval lo < hi, got [${lo}, ${hi}]`);
  const n = 2 * Math.ceil(cells / 2);
  const whole = simpsonNodes(f, lo, hi, n);
  const parts = regions.map(([a, b]) => {
    const from = Math.max(a, lo);
    const to = Math.min(b, hi);
    if (!(to > from)) return null;
    const share = Math.max(2, 2 * Math.ceil((n * (to - from)) / (2 * (hi - lo))));
    return simpsonNodes(f, from, to, share);
  });
  let shift = Infinity;
  for (const nodes of [whole, ...parts]) if (nodes) for (const v of nodes.values) shift = Math.min(shift, v);
  const total = simpsonBoltzmann(whole, temperature, shift);
  return parts.map((nodes) => (nodes ? simpsonBoltzmann(nodes, temperature, shift) / total : 0));
}

/**
 * Stationary variance of w ← w + Q_p(−λ(a·w + σξ)) on f = a·w²/2 under the white-noise hypothesis
 * (SPEC §2, §4): the quantization error adds 1/(12Q²) to the gradient noise's λ²σ² per step, and
 * the AR(1) factor 1 − λa gives (λ²σ² + 1/(12Q²)) / (λa(2 − λa)). In Langevin terms this is the
 * temperature λσ²/2 + 1/(24λQ²) = T_SGD + T_q, up to the O(λa) discretisation factor.
 */
export function quantizedStationaryVariance(lambda: number, curvature: number, sigma: number, Q: number): number {
  const rate = lambda * curvature;
  return (lambda * lambda * sigma * sigma + 1 / (12 * Q * Q)) / (rate * (2 - rate));
}
