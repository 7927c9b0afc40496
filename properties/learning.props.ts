/**
 * The learning-equation properties of SPEC §3 (eqs. 3–5) with Algorithm 1 (§7) as builders over
 * the implementation under test: a learner (scheduler.props.ts LearnerUnderTest) for the iterates,
 * and an ADAM direction for its closed form. The vitest suites run them against the core and
 * broken variants; the conformance kit (src/conformance) runs them against a user's learner.
 */
import fc from 'fast-check';
import { ADAM_DEFAULTS, ADAM_REFERENCE, type AdamHyper, type Direction, plainStep } from '../src/core/learning.ts';
import { makeGrid, type QuantMode, quantizeInto } from '../src/core/quantizer.ts';
import { type AlgorithmSwitches, REFERENCE_SCHEDULE, type ScheduleParams } from '../src/core/schedule.ts';
import { abs, add, exact, exactCell, gridIntegerOf, gridPoint, HALF, le, modeArb, mul, ratToString, sub, ZERO } from './oracle.ts';
import { coreLearner, coreLearnerOver, coreScheduler, type LearnerFactory } from './scheduler.props.ts';

export { coreLearner };

/** Broken: the plain equation (3), no quantization at all (a core learner on a shadow copy only keeps the index). */
export const unquantizedLearner: LearnerFactory = (setup) => {
  const { learner, scheduler } = coreLearnerOver(coreScheduler, setup);
  const shadow = new Float64Array(setup.dims);
  return {
    get p() {
      return scheduler.index(0);
    },
    step(w, h) {
      const used = learner.step(shadow, h).tensorIndex[0];
      plainStep(w, h, 0, setup.dims, setup.lambda);
      return used;
    },
  };
};

/** Broken: quantizes the step on the next coarser grid G_{p−1} (errors up to b/(2Q_p)). */
export const coarseLearner: LearnerFactory = (setup) => {
  const { learner, scheduler } = coreLearnerOver(coreScheduler, setup);
  const shadow = new Float64Array(setup.dims);
  const dq = new Float64Array(setup.dims);
  return {
    get p() {
      return scheduler.index(0);
    },
    step(w, h) {
      const used = learner.step(shadow, h).tensorIndex[0];
      const coarse = makeGrid(setup.params.eta, setup.params.base, used - 1);
      quantizeInto(learner.unquantizedStep, 0, dq, 0, setup.dims, coarse, setup.mode);
      for (let i = 0; i < setup.dims; i++) w[i] += dq[i];
      return used;
    },
  };
};

/** Schedules small enough that Q_pMax ≤ 2^30 and every iterate stays far inside the exact range. */
export const learningParamsArb: fc.Arbitrary<ScheduleParams> = fc
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

const lambdaArb = fc.oneof(
  fc.integer({ min: 1, max: 10 }).map((k) => 2 ** -k),
  fc.constantFrom(0.1, 0.3, 1),
);
const coordinateArb = fc.oneof(
  fc.constant(0),
  fc.double({ min: -8, max: 8, noNaN: true }),
  fc.integer({ min: -40, max: 3 }).map((e) => 2 ** e),
);
/** The same on the binary grid of the reference (b = 2, η = 1). */
export const binaryLearningParamsArb: fc.Arbitrary<ScheduleParams> = learningParamsArb.map((params) => {
  const pMax = Math.min(params.pMax, 30);
  return { ...params, base: 2, eta: 1, p0: Math.min(params.p0, pMax), pMax };
});

/** What a learning case may vary: hyperparameters, switches and modes (a user's learner may support fewer). */
export interface LearningDomain {
  readonly params?: fc.Arbitrary<ScheduleParams>;
  readonly switches?: fc.Arbitrary<AlgorithmSwitches>;
  readonly modes?: fc.Arbitrary<QuantMode>;
}

export interface LearningCase {
  readonly params: ScheduleParams;
  readonly switches: AlgorithmSwitches;
  readonly mode: QuantMode;
  readonly lambda: number;
  readonly w0: number[];
  /** directions h given in advance (they do not depend on w) */
  readonly steps: number[][];
}

export function learningCaseArb(domain: LearningDomain = {}): fc.Arbitrary<LearningCase> {
  return fc.record({
    params: domain.params ?? learningParamsArb,
    switches: domain.switches ?? fc.record({ avoidVanishing: fc.boolean(), bound: fc.boolean() }),
    mode: domain.modes ?? modeArb,
    lambda: lambdaArb,
    w0: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 3 }),
    steps: fc.array(fc.array(coordinateArb, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
  });
}

/** w_0 on G_{p_0} (round), as eq. 5 needs: set up with the core quantizer, not the one under test. */
function startOnGrid(c: LearningCase): Float64Array {
  const w = Float64Array.from(c.w0);
  quantizeInto(w, 0, w, 0, w.length, makeGrid(c.params.eta, c.params.base, c.params.p0), 'round');
  return w;
}

/** Run eq. 5 over the given directions; observe(w, p after the step, p the step used) after every step. */
function run(factory: LearnerFactory, c: LearningCase, observe: (w: Float64Array, p: number, pUsed: number) => void): void {
  const dims = c.w0.length;
  const learner = factory({ params: c.params, switches: c.switches, mode: c.mode, lambda: c.lambda, dims });
  const w = startOnGrid(c);
  const h = new Float64Array(dims);
  for (const step of c.steps) {
    h.set(step.slice(0, dims));
    const pUsed = learner.step(w, h);
    observe(w, learner.p, pUsed);
  }
}

/** §3: with w_0 on G_{p(0)} and p non-decreasing, every iterate lies exactly on G_{p(t)}. */
export function onGridProperty(factory: LearnerFactory, domain?: LearningDomain) {
  return fc.property(learningCaseArb(domain), (c) => {
    run(factory, c, (w, p) => {
      const grid = makeGrid(c.params.eta, c.params.base, p);
      for (const value of w) {
        if (gridIntegerOf(value, grid) === null) throw new Error(`w = ${value} is not on G_${p} (Q = ${grid.Q})`);
      }
    });
  });
}

/**
 * §3: for directions given in advance, |w^Q_t − w_t| ≤ Σ_{s<t} 1/(2Q_{p(s)}) (round; floor: whole
 * cells), exactly: real grid points against the exact sum of the unquantized steps −λ·h.
 */
export function deviationProperty(factory: LearnerFactory, domain?: LearningDomain) {
  return fc.property(learningCaseArb(domain), (c) => {
    const dims = c.w0.length;
    let unquantized: ReturnType<typeof exact>[] | null = null;
    let budget = ZERO;
    let t = 0;
    const startGrid = makeGrid(c.params.eta, c.params.base, c.params.p0);
    unquantized = Array.from(startOnGrid(c), (v) => gridPoint(gridIntegerOf(v, startGrid)!, startGrid));
    run(factory, c, (w, p, pUsed) => {
      const usedGrid = makeGrid(c.params.eta, c.params.base, pUsed);
      budget = add(budget, c.mode === 'round' ? mul(exactCell(usedGrid), HALF) : exactCell(usedGrid));
      const grid = makeGrid(c.params.eta, c.params.base, p);
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

/** ADAM's first three directions in closed form (derived by unrolling the recursions of SPEC §3). */
export function adamClosedForm(g: readonly number[], t: number, hyper: AdamHyper): { value: number; scale: number } {
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
export class UncorrectedAdam implements Direction {
  readonly name = 'adam without bias correction';
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(
    size: number,
    private readonly hyper: AdamHyper,
  ) {
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

const gradientArb = fc
  .oneof(
    fc.constant(0),
    fc.tuple(fc.boolean(), fc.double({ min: -100, max: 100, noNaN: true })).map(([neg, e]) => (neg ? -1 : 1) * 10 ** e),
    fc.double({ min: -10, max: 10, noNaN: true }),
  )
  .map((g) => (Math.abs(g) < 1e-100 ? 0 : g)); // |g| < 1e-100: g² and (1−β1)·g would underflow

/** §3: ADAM's first three directions equal the closed form (relative 1e-12), for the paper's and the reference's constants. */
export function adamProperty(make: (size: number, hyper: AdamHyper) => Direction) {
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
