/**
 * SPEC §4: (a) at a fixed temperature the Euler–Maruyama chain of dW = −f′(W)ds + √(2T) dB (core
 * sde.ts) has the Gibbs law π_T ∝ exp(−f/T) as its long-run histogram; (b) the quantized learning
 * equation on f = a·w²/2 with gradient noise of variance σ² has the stationary variance
 * (λ²σ² + 1/(12Q²)) / (λa(2 − λa)): the quantization error adds exactly the WNH variance.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fixedQuantization, Learner, vectorLayout } from '../src/core/learner.ts';
import { makeGrid } from '../src/core/quantizer.ts';
import { READINGS } from '../src/core/reading.ts';
import { createDoubleWell, type Objective } from '../src/core/objectives/index.ts';
import { createRng, type Rng } from '../src/core/rng.ts';
import { REFERENCE_SCHEDULE } from '../src/core/schedule.ts';
import { eulerMaruyamaStep, gibbsCellProbabilities, histogram, totalVariation, uniformEdges } from '../src/core/sde.ts';
import { expectCaught, findCounterexample, holds, note, scaledRuns } from './config.ts';

type Stepper = typeof eulerMaruyamaStep;

/** Broken: noise √(T·dt) instead of √(2T·dt), i.e. the chain samples Gibbs at T/2. */
const halfNoiseStep: Stepper = (objective, w, gradient, runs, dt, temperature, rng) => {
  const dims = objective.dims;
  const noise = Math.sqrt(temperature * dt);
  for (let r = 0; r < runs; r++) objective.gradient(w, r * dims, gradient, r * dims);
  for (let i = 0; i < runs * dims; i++) w[i] += -gradient[i] * dt + noise * rng.normal();
};

/**
 * Chains, run length and threshold. 1000 independent chains start uniform on [−2, 2], run a
 * burn-in of s = 5 (5000 steps of dt = 1e−3; at T ≥ 1 the slowest relaxation of this well, the hop
 * between the wells, takes s ≈ 1.5, so the start is forgotten to e^−3), then record every 100th
 * step for 5000 more steps: 50 000 samples over 40 cells of [−2.2, 2.2]. Sources of TV:
 *   - sampling: ½Σ√(2p_i/(π·n_eff)) ≤ ½√(2·40/(π·20 000)) ≈ 0.018 with n_eff ≥ 20 000 (samples
 *     100 steps = s 0.1 apart are correlated within a chain; ≥ 20 effective per chain);
 *   - Euler–Maruyama's O(dt) bias of the stationary law and the midpoint rule of the Gibbs cell
 *     masses (cells of width 0.11): each ~1e−3;
 * Measured at T = 1 (the slowest mixing of the range) over 12 seeds: mean TV 0.0115, max 0.016;
 * the largest seen in a deep run (QLE_RUNS=10000) was 0.025. The threshold TV < 0.04 leaves room
 * for a bad seed, while the half-noise variant (Gibbs at T/2) sits at TV ≈ 0.11–0.15.
 */
const CHAINS = 1000;
const DT = 1e-3;
const BURN_IN = 5000;
const RECORD = 5000;
const EVERY = 100;
const CELLS = 40;
const TV_THRESHOLD = 0.04;

function longRunTv(step: Stepper, objective: Objective, temperature: number, rng: Rng): number {
  const w = new Float64Array(CHAINS);
  for (let i = 0; i < CHAINS; i++) w[i] = -2 + 4 * rng.uniform();
  const gradient = new Float64Array(CHAINS);
  const samples = new Float64Array((RECORD / EVERY) * CHAINS);
  let n = 0;
  for (let t = 0; t < BURN_IN + RECORD; t++) {
    step(objective, w, gradient, CHAINS, DT, temperature, rng);
    if (t >= BURN_IN && (t - BURN_IN) % EVERY === EVERY - 1) {
      samples.set(w, n);
      n += CHAINS;
    }
  }
  const edges = uniformEdges(-2.2, 2.2, CELLS);
  const point = new Float64Array(1);
  const value = (x: number) => {
    point[0] = x;
    return objective.value(point, 0);
  };
  const gibbs = gibbsCellProbabilities(value, edges, temperature);
  return totalVariation(histogram(samples, edges), gibbs);
}

function gibbsProperty(step: Stepper) {
  const wells = createDoubleWell();
  return fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 1, max: 2, noNaN: true }), (seed, temperature) => {
    const tv = longRunTv(step, wells, temperature, createRng(seed));
    note(`[qle properties] §4 Gibbs check: seed ${seed}, T = ${temperature.toFixed(4)}, TV = ${tv.toFixed(4)} (threshold ${TV_THRESHOLD})`);
    if (!(tv < TV_THRESHOLD)) throw new Error(`TV(histogram, Gibbs at T = ${temperature}) = ${tv} ≥ ${TV_THRESHOLD}`);
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * The stationary variance of w ← w + Q_p(−λ(a·w + σξ)) from w = 0, measured honestly: RUNS_Q
 * independent runs (a population, one scheduler index each), each averaging w² over its steps after
 * a burn-in of 60 steps (the variance transient decays as (1 − λa)^{2t} ≤ 0.9^120 ≈ 3e−6); the
 * run averages are independent, so their standard error gives the confidence interval, whatever
 * the autocorrelation within a run. The noise std λσ is ≥ 1 cell, where the quantization error is
 * uniform and independent of w to within e^{−2π²} ≈ 3e−9 (Widrow); below that the WNH term is
 * visibly off (at 0.5 cells by ~0.7%).
 */
const RUNS_Q = 2000;
const STEPS_Q = 300;
const BURN_Q = 60;
/** |measured − predicted| ≤ 4.5 standard errors (two-sided 7e−6 per run). */
const Z_Q = 4.5;

type Prediction = (lambda: number, a: number, sigma: number, Q: number) => number;
const closedForm: Prediction = (lambda, a, sigma, Q) => (lambda ** 2 * sigma ** 2 + 1 / (12 * Q * Q)) / (lambda * a * (2 - lambda * a));
/** Broken: forgets the quantization noise 1/(12Q²). */
const withoutQuantizationNoise: Prediction = (lambda, a, sigma) => (lambda ** 2 * sigma ** 2) / (lambda * a * (2 - lambda * a));

const varianceCase = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 }),
  grid: fc.oneof(
    fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: 0, max: 24 }) }),
    fc.record({ eta: fc.constant(3), base: fc.constant(10), p: fc.integer({ min: 0, max: 5 }) }),
  ),
  lambdaPower: fc.integer({ min: 1, max: 6 }),
  /** λa */
  rate: fc.double({ min: 0.1, max: 1.5, noNaN: true }),
  /** λσ in cells */
  noiseCells: fc.double({ min: 1, max: 3, noNaN: true }),
});

function varianceProperty(predict: Prediction, noiseCells = varianceCase) {
  return fc.property(noiseCells, (c) => {
    const Q = makeGrid(c.grid.eta, c.grid.base, c.grid.p).Q;
    const lambda = 2 ** -c.lambdaPower;
    const family = { ...REFERENCE_SCHEDULE, eta: c.grid.eta, base: c.grid.base };
    // A population of RUNS_Q one-weight runs, conventional quantization at p (the same quantized step as every caller).
    const learner = new Learner({ direction: 'sgd', learningRate: lambda, quantization: fixedQuantization(c.grid.p, family, READINGS.paper, true), tensors: vectorLayout(1), runs: RUNS_Q });
    const a = c.rate / lambda;
    const sigma = c.noiseCells / (lambda * Q);
    const rng = createRng(c.seed);
    const w = new Float64Array(RUNS_Q);
    const h = new Float64Array(RUNS_Q);
    const sumSquares = new Float64Array(RUNS_Q);
    for (let t = 0; t < STEPS_Q; t++) {
      for (let i = 0; i < RUNS_Q; i++) h[i] = a * w[i] + sigma * rng.normal();
      learner.step(w, h);
      if (t >= BURN_Q) for (let i = 0; i < RUNS_Q; i++) sumSquares[i] += w[i] * w[i];
    }
    let mean = 0;
    let meanSquare = 0;
    for (let i = 0; i < RUNS_Q; i++) {
      const runVariance = sumSquares[i] / (STEPS_Q - BURN_Q); // E[w] = 0 by symmetry
      mean += runVariance / RUNS_Q;
      meanSquare += (runVariance * runVariance) / RUNS_Q;
    }
    const standardError = Math.sqrt(((meanSquare - mean * mean) * RUNS_Q) / (RUNS_Q - 1) / RUNS_Q);
    const predicted = predict(lambda, a, sigma, Q);
    const z = (mean - predicted) / standardError;
    note(`[qle properties] §4 stationary variance: measured ${mean.toPrecision(6)} ± ${standardError.toPrecision(3)}, predicted ${predicted.toPrecision(6)}, z = ${z.toFixed(2)} (λa = ${c.rate.toFixed(3)}, λσ = ${c.noiseCells.toFixed(2)} cells, Q = ${Q})`);
    if (!(Math.abs(z) <= Z_Q)) {
      throw new Error(`stationary variance ${mean} ± ${standardError} vs predicted ${predicted}: z = ${z.toFixed(2)}`);
    }
  });
}

describe('§4 SDE and the stationary law', () => {
  it(`§4 at fixed T ∈ [1, 2] the long-run histogram of the Euler–Maruyama chain on the double well matches the Gibbs cell probabilities: TV < ${TV_THRESHOLD} (fixed seeds)`, () => {
    holds(gibbsProperty(eulerMaruyamaStep), scaledRuns(0.01, 2, 5));
  });

  it('§4 the Gibbs property CATCHES an Euler–Maruyama step with noise √(T·dt) instead of √(2T·dt)', () => {
    const found = findCounterexample('Euler–Maruyama with noise sqrt(T dt)', gibbsProperty(halfNoiseStep), 1);
    expectCaught(found);
  });

  it(`§4 quantized learning equation on f = a·w²/2, h = a·w + σξ, p fixed, round mode: stationary Var(w) = (λ²σ² + 1/(12Q²))/(λa(2 − λa)) within ${Z_Q} standard errors of ${RUNS_Q} independent runs`, () => {
    holds(varianceProperty(closedForm), scaledRuns(0.025, 4, 40));
  });

  it('§4 the variance property CATCHES the prediction without the quantization noise 1/(12Q²) (λσ of 1 to 1.5 cells)', () => {
    const found = findCounterexample(
      'variance prediction without 1/(12Q^2)',
      varianceProperty(withoutQuantizationNoise, varianceCase.map((c) => ({ ...c, noiseCells: 1 + (c.noiseCells - 1) / 4 }))),
      scaledRuns(0.025, 4, 40),
    );
    expectCaught(found);
  });
});
