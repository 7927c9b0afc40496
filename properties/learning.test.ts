/**
 * SPEC §3 (eqs. 3–5) and §7: the quantized learning equation w ← w + Q_p(−λ·h), through the
 * core's one implementation (the Learner). Iterates stay on G_{p(t)}; for steps
 * given in advance they stay within the accumulated half cells of the unquantized iterates; with p
 * fixed and exact gradients they stop in a dead zone around a minimum (the vanishing effect); the
 * ADAM direction matches its closed form for the first three steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedQuantization, Learner, vectorLayout, type QuantizationConfig } from '../src/core/learner.ts';
import { ADAM_DEFAULTS, ADAM_REFERENCE, AdamDirection, plainStep, type AdamHyper, type Direction } from '../src/core/learning.ts';
import { makeGrid, quantizeInto, type Grid, type QuantMode } from '../src/core/quantizer.ts';
import { READINGS } from '../src/core/reading.ts';
import { REFERENCE_SCHEDULE, type AlgorithmSwitches, type ScheduleParams } from '../src/core/schedule.ts';
import { findCounterexample, holds, RUNS } from './config.ts';
import { abs, add, exact, exactCell, gridIntegerOf, gridPoint, HALF, le, modeArb, mul, ratToString, sub, ZERO } from './oracle.ts';

/** A learner under test: eq. 5 on one vector of `dims` weights. */
interface Stepper {
  /** Puts w_0 on G_{p_0}. */
  prepare(w: Float64Array): void;
  /** One step with direction h; returns the index the step was quantized with. */
  step(w: Float64Array, h: Float64Array): number;
  /** The grid of the index the next step starts from. */
  grid(): Grid;
  index(): number;
}
type StepImpl = (c: { params: ScheduleParams; switches: AlgorithmSwitches; mode: QuantMode; lambda: number }, dims: number) => Stepper;

function coreLearner(c: Parameters<StepImpl>[0], dims: number): Learner {
  const quantization: QuantizationConfig = {
    reading: { ...READINGS.paper, mode: c.mode },
    schedule: c.params,
    b2a: c.switches.avoidVanishing,
    b2b: c.switches.bound,
    clock: 'step',
    weightsOnGrid: true,
  };
  return new Learner({ direction: 'sgd', learningRate: c.lambda, quantization, tensors: vectorLayout(dims) });
}

const coreStep: StepImpl = (c, dims) => {
  const learner = coreLearner(c, dims);
  const scheduler = learner.scheduler!;
  return { prepare: (w) => learner.prepare(w), step: (w, h) => learner.step(w, h).tensorIndex[0], grid: () => scheduler.grid(0), index: () => scheduler.index(0) };
};

/** Broken: the plain equation (3), no quantization at all (the core learner only keeps the index). */
const unquantizedStep: StepImpl = (c, dims) => {
  const learner = coreLearner(c, dims);
  const scheduler = learner.scheduler!;
  const scratch = new Float64Array(dims);
  return {
    prepare: (w) => learner.prepare(w),
    step: (w, h) => {
      const used = learner.step(scratch, h).tensorIndex[0];
      plainStep(w, h, 0, dims, c.lambda);
      return used;
    },
    grid: () => scheduler.grid(0),
    index: () => scheduler.index(0),
  };
};

/** Broken: quantizes the step on the next coarser grid G_{p−1} (errors up to b/(2Q_p)). */
const coarseStep: StepImpl = (c, dims) => {
  const learner = coreLearner(c, dims);
  const scheduler = learner.scheduler!;
  const shadow = new Float64Array(dims);
  const dq = new Float64Array(dims);
  return {
    prepare: (w) => learner.prepare(w),
    step: (w, h) => {
      const used = learner.step(shadow, h).tensorIndex[0];
      const coarse = makeGrid(c.params.eta, c.params.base, used - 1);
      quantizeInto(learner.unquantizedStep, 0, dq, 0, dims, coarse, c.mode);
      for (let i = 0; i < dims; i++) w[i] += dq[i];
      return used;
    },
    grid: () => scheduler.grid(0),
    index: () => scheduler.index(0),
  };
};

/** Schedules small enough that Q_pMax ≤ 2^30 and every iterate stays far inside the exact range. */
const learningParamsArb: fc.Arbitrary<ScheduleParams> = fc
  .record({
    grid: fc.oneof(
      fc.record({ eta: fc.constant(1), base: fc.constant(2) }),
      fc.record({ eta: fc.constant(3), base: fc.constant(10) }),
      fc.record({ eta: fc.integer({ min: 1, max: 5 }), base: fc.integer({ min: 2, max: 10 }) }),
    ),
    // p_0 ∈ {−1, 0} often: there Q_p crosses between binary (Q_0 = η) and non-binary grids
    p0: fc.oneof(fc.integer({ min: -4, max: 10 }), fc.constantFrom(-1, 0)),
    span: fc.integer({ min: 0, max: 12 }),
    C: fc.constantFrom(1e-6, 1e-3, 1),
    beta: fc.constantFrom(0, 20),
  })
  .map(({ grid, p0, span, C, beta }) => {
    const maxP = Math.floor((30 - Math.log2(grid.eta)) / Math.log2(grid.base));
    const start = Math.min(p0, maxP);
    return { ...REFERENCE_SCHEDULE, ...grid, C, beta, p0: start, pMax: Math.min(start + span, maxP) };
  });

const lambdaArb = fc.oneof(fc.integer({ min: 1, max: 10 }).map((k) => 2 ** -k), fc.constantFrom(0.1, 0.3, 1));
const coordinateArb = fc.oneof(fc.constant(0), fc.double({ min: -8, max: 8, noNaN: true }), fc.integer({ min: -40, max: 3 }).map((e) => 2 ** e));
const learningCase = fc.record({
  params: learningParamsArb,
  switches: fc.record({ avoidVanishing: fc.boolean(), bound: fc.boolean() }),
  mode: modeArb,
  lambda: lambdaArb,
  w0: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 3 }),
  /** directions h given in advance (they do not depend on w) */
  steps: fc.array(fc.array(coordinateArb, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
});
type LearningCase = typeof learningCase extends fc.Arbitrary<infer T> ? T : never;

/** Run eq. 5 over the given directions; observe(w, learner, pUsed) after every step. */
function run(impl: StepImpl, c: LearningCase, observe: (w: Float64Array, s: Stepper, pUsed: number) => void): void {
  const dims = c.w0.length;
  const stepper = impl(c, dims);
  const w = Float64Array.from(c.w0);
  stepper.prepare(w);
  const h = new Float64Array(dims);
  for (const step of c.steps) {
    h.set(step.slice(0, dims));
    const pUsed = stepper.step(w, h);
    observe(w, stepper, pUsed);
  }
}

/** §3: with w_0 on G_{p(0)} and p non-decreasing, every iterate lies exactly on G_{p(t)}. */
function onGridProperty(impl: StepImpl) {
  return fc.property(learningCase, (c) => {
    run(impl, c, (w, s) => {
      const grid = s.grid();
      for (const value of w) {
        if (gridIntegerOf(value, grid) === null) throw new Error(`w = ${value} is not on G_${s.index()} (Q = ${grid.Q})`);
      }
    });
  });
}

/**
 * §3: for directions given in advance, |w^Q_t − w_t| ≤ Σ_{s<t} 1/(2Q_{p(s)}) (round; floor: whole
 * cells), exactly: real grid points against the exact sum of the unquantized steps −λ·h.
 */
function deviationProperty(impl: StepImpl) {
  return fc.property(learningCase, (c) => {
    const dims = c.w0.length;
    let unquantized: ReturnType<typeof exact>[] | null = null;
    let budget = ZERO;
    let t = 0;
    const start = coreStep(c, dims);
    const w0 = Float64Array.from(c.w0);
    start.prepare(w0);
    unquantized = Array.from(w0, (v) => gridPoint(gridIntegerOf(v, start.grid())!, start.grid()));
    run(impl, c, (w, s, pUsed) => {
      const usedGrid = makeGrid(c.params.eta, c.params.base, pUsed);
      budget = add(budget, c.mode === 'round' ? mul(exactCell(usedGrid), HALF) : exactCell(usedGrid));
      const grid = s.grid();
      for (let i = 0; i < dims; i++) {
        unquantized![i] = add(unquantized![i], exact(-c.lambda * c.steps[t][i]));
        const k = gridIntegerOf(w[i], grid);
        if (k === null) throw new Error(`iterate ${w[i]} off the grid`);
        const deviation = abs(sub(gridPoint(k, grid), unquantized![i]));
        if (!le(deviation, budget)) throw new Error(`t = ${t}: |w^Q − w| = ${ratToString(deviation)} > ${ratToString(budget)}`);
      }
      t += 1;
    });
  });
}

/** §3, §2: the vanishing effect of conventional quantization (p fixed, exact gradients). */
const deadZoneCase = fc.record({
  grid: fc.oneof(
    fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ eta: fc.constant(3), base: fc.constant(10), p: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ eta: fc.integer({ min: 1, max: 5 }), base: fc.integer({ min: 3, max: 7 }), p: fc.integer({ min: 0, max: 4 }) }),
  ),
  lambdaPower: fc.integer({ min: 1, max: 6 }),
  /** λ·a, the contraction per step */
  rate: fc.double({ min: 0.05, max: 1, noNaN: true }),
  minimiser: fc.double({ min: -1, max: 1, noNaN: true }),
  offset: fc.double({ min: -1, max: 1, noNaN: true }),
});

describe('§3 learning equation: iterates on the grid', () => {
  it('§3 with w_0 on G_{p(0)} and p non-decreasing, every iterate w_t lies exactly on G_{p(t)} (any switches, binary and non-binary grids)', () => {
    holds(onGridProperty(coreStep), RUNS * 2);
  });

  it('§3 the grid property CATCHES a learning step that does not quantize', () => {
    const found = findCounterexample('unquantized step w − λh', onGridProperty(unquantizedStep));
    expect(found.failed).toBe(true);
  });

  it('§3 for steps given in advance, |w^Q_t − w_t| ≤ Σ_{s<t} 1/(2Q_{p(s)}) in round mode (Σ 1/Q_{p(s)} in floor mode), in exact arithmetic', () => {
    holds(deviationProperty(coreStep), RUNS * 2);
  });

  it('§3 the accumulated-half-cells bound CATCHES a step quantized on the coarser grid G_{p−1}', () => {
    const found = findCounterexample('step quantized on G_{p-1}', deviationProperty(coarseStep));
    expect(found.failed).toBe(true);
  });
});

describe('§3 regression: B.2a across binary and non-binary grids of one scheduler', () => {
  // η = 1, b = 5: Q_0 = 1 is a power of two, Q_{±1} are not. Found by the deviation property
  // above: the core once applied the step twice (binary → non-binary) or not at all (the reverse).
  const params = (p0: number, pMax: number): ScheduleParams => ({ ...REFERENCE_SCHEDULE, eta: 1, base: 5, p0, pMax });
  it.each([
    [0, 1, 1, -0.4],
    [-1, 0, 1.2, -1],
  ])('§3 p_0 = %i → p = %i by B.2a, λ = 0.5, h = %f: the step is applied once, w = %f', (p0, pMax, gradient, expected) => {
    const stepper = coreStep({ params: params(p0, pMax), switches: { avoidVanishing: true, bound: false }, mode: 'round', lambda: 0.5 }, 1);
    const w = new Float64Array(1);
    expect(stepper.step(w, Float64Array.of(gradient))).toBe(pMax);
    expect(w[0]).toBe(expected);
  });
});

describe('§3 conventional quantization stops in a dead zone (vanishing)', () => {
  it('§3 p fixed, f = a(w − c)²/2, exact gradients, round mode: the run stops (every step rounds to 0) at a point that is not the minimiser but inside the dead zone −1/(2Q) ≤ −λf′(w) < 1/(2Q)', () => {
    holds(
      fc.property(deadZoneCase, (c) => {
        const grid = makeGrid(c.grid.eta, c.grid.base, c.grid.p);
        fc.pre(gridIntegerOf(c.minimiser, grid) === null); // a minimiser off the grid cannot be reached
        const lambda = 2 ** -c.lambdaPower;
        const a = c.rate / lambda;
        const slope = (w: number) => a * (w - c.minimiser);
        const family = { ...REFERENCE_SCHEDULE, eta: c.grid.eta, base: c.grid.base };
        const learner = new Learner({ direction: 'sgd', learningRate: lambda, quantization: fixedQuantization(c.grid.p, family, READINGS.paper, true), tensors: vectorLayout(1) });
        const w = Float64Array.of(c.minimiser + c.offset);
        learner.prepare(w);
        const h = new Float64Array(1);
        let steps = 0;
        let vanished = 0;
        do {
          h[0] = slope(w[0]);
          vanished = learner.step(w, h).vanished[0];
          steps += 1;
        } while (vanished === 0 && steps < 100_000);
        if (vanished !== 1) throw new Error(`no dead zone after ${steps} steps`);
        expect(learner.scheduler!.index(0)).toBe(c.grid.p);
        const d = exact(-lambda * slope(w[0]));
        const half = mul(exactCell(grid), HALF);
        return w[0] !== c.minimiser && le(sub(ZERO, half), d) && !le(half, d) && w[0] === (learner.step(w, h), w[0]);
      }),
      RUNS,
    );
  });
});

/** ADAM's first three directions in closed form (derived by unrolling the recursions of SPEC §3). */
function adamClosedForm(g: readonly number[], t: number, hyper: AdamHyper): { value: number; scale: number } {
  const { beta1, beta2, eps } = hyper;
  // m̂_t = Σ_s β1^{t−s} g_s / Σ_s β1^{t−s};  v̂_t = Σ_s β2^{t−s} g_s² / Σ_s β2^{t−s}
  let m = 0;
  let mScale = 0;
  let w1 = 0;
  let v = 0;
  let w2 = 0;
  for (let s = 0; s < t; s++) {
    const b1 = beta1 ** (t - 1 - s);
    const b2 = beta2 ** (t - 1 - s);
    m += b1 * g[s];
    mScale += b1 * Math.abs(g[s]);
    w1 += b1;
    v += b2 * g[s] * g[s];
    w2 += b2;
  }
  const denominator = Math.sqrt(v / w2) + eps;
  return { value: m / w1 / denominator, scale: mScale / w1 / denominator };
}

/** ADAM without bias correction: deliberately broken. */
class UncorrectedAdam implements Direction {
  readonly name = 'adam without bias correction';
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(size: number, private readonly hyper: AdamHyper) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  compute(g: Float64Array, out: Float64Array): void {
    const { beta1, beta2, eps } = this.hyper;
    for (let i = 0; i < g.length; i++) {
      this.m[i] = beta1 * this.m[i] + (1 - beta1) * g[i];
      this.v[i] = beta2 * this.v[i] + (1 - beta2) * g[i] * g[i];
      out[i] = this.m[i] / (Math.sqrt(this.v[i]) + eps);
    }
  }
}

const gradientArb = fc.oneof(
  fc.constant(0),
  fc.tuple(fc.boolean(), fc.double({ min: -100, max: 100, noNaN: true })).map(([neg, e]) => (neg ? -1 : 1) * 10 ** e),
  fc.double({ min: -10, max: 10, noNaN: true }),
).map((g) => (Math.abs(g) < 1e-100 ? 0 : g)); // |g| < 1e-100: g² and (1−β1)·g would underflow

function adamProperty(make: (size: number, hyper: AdamHyper) => Direction) {
  return fc.property(
    fc.constantFrom(ADAM_DEFAULTS, ADAM_REFERENCE),
    fc.array(fc.array(gradientArb, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    (hyper, columns) => {
      // columns[i] = (g_1, g_2, g_3) of coordinate i
      const dims = columns.length;
      const direction = make(dims, hyper);
      const g = new Float64Array(dims);
      const out = new Float64Array(dims);
      for (let t = 1; t <= 3; t++) {
        for (let i = 0; i < dims; i++) g[i] = columns[i][t - 1];
        direction.compute(g, out);
        for (let i = 0; i < dims; i++) {
          const { value, scale } = adamClosedForm(columns[i], t, hyper);
          if (!(Math.abs(out[i] - value) <= 1e-12 * scale)) throw new Error(`step ${t}, coordinate ${i}: h = ${out[i]}, closed form ${value}`);
        }
      }
      // step 1 is h = g/(|g| + ε): sign(g)·(1 − ε/(|g| + ε)), a unit step for |g| ≫ ε
    },
  );
}

describe('§3 ADAM direction', () => {
  it('§3 the ADAM direction equals the closed form for the first 3 steps: h_1 = g/(|g|+ε), h_2 = ((β1g_1+g_2)/(1+β1)) / (√((β2g_1²+g_2²)/(1+β2)) + ε), h_3 likewise (relative 1e-12; g = 0 or 1e-100 ≤ |g| ≤ 1e100, so g² neither overflows nor underflows)', () => {
    holds(adamProperty((size, hyper) => new AdamDirection(size, hyper)), RUNS);
  });

  it('§3 step 1 by hand: g = 3, ε = 1e-8 gives h = 3/(3 + 1e-8); g = −1e-8 gives h = −1/2', () => {
    const adam = new AdamDirection(2, ADAM_DEFAULTS);
    const out = new Float64Array(2);
    adam.compute(Float64Array.of(3, -1e-8), out);
    expect(out[0]).toBeCloseTo(3 / (3 + 1e-8), 15);
    expect(out[1]).toBeCloseTo(-0.5, 12);
  });

  it('§3 the ADAM closed-form property CATCHES ADAM without bias correction', () => {
    const found = findCounterexample('ADAM without bias correction', adamProperty((size, hyper) => new UncorrectedAdam(size, hyper)));
    expect(found.failed).toBe(true);
  });
});
