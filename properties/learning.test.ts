/**
 * SPEC §3 (eqs. 3–5) and §7: the quantized learning equation w ← w + Q_p(−λ·h), through the
 * core's one implementation (the Learner). Iterates stay on G_{p(t)}; for steps
 * given in advance they stay within the accumulated half cells of the unquantized iterates; with p
 * fixed and exact gradients they stop in a dead zone around a minimum (the vanishing effect); the
 * ADAM direction matches its closed form for the first three steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedQuantization, Learner, vectorLayout } from '../src/core/learner.ts';
import { ADAM_DEFAULTS, AdamDirection } from '../src/core/learning.ts';
import { makeGrid } from '../src/core/quantizer.ts';
import { READINGS } from '../src/core/reading.ts';
import { REFERENCE_SCHEDULE, type ScheduleParams } from '../src/core/schedule.ts';
import { expectCaught, findCounterexample, holds, RUNS } from './config.ts';
import { adamProperty, coarseLearner, coreLearner, deviationProperty, onGridProperty, UncorrectedAdam, unquantizedLearner } from './learning.props.ts';
import { exact, exactCell, gridIntegerOf, HALF, le, mul, sub, ZERO } from './oracle.ts';

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
    holds(onGridProperty(coreLearner), RUNS * 2);
  });

  it('§3 the grid property CATCHES a learning step that does not quantize', () => {
    const found = findCounterexample('unquantized step w − λh', onGridProperty(unquantizedLearner));
    expectCaught(found);
  });

  it('§3 for steps given in advance, |w^Q_t − w_t| ≤ Σ_{s<t} 1/(2Q_{p(s)}) in round mode (Σ 1/Q_{p(s)} in floor mode), in exact arithmetic', () => {
    holds(deviationProperty(coreLearner), RUNS * 2);
  });

  it('§3 the accumulated-half-cells bound CATCHES a step quantized on the coarser grid G_{p−1}', () => {
    const found = findCounterexample('step quantized on G_{p-1}', deviationProperty(coarseLearner));
    expectCaught(found);
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
    const stepper = coreLearner({ params: params(p0, pMax), switches: { avoidVanishing: true, bound: false }, mode: 'round', lambda: 0.5, dims: 1 });
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
        const stopped = w[0];
        learner.step(w, h); // one more step changes nothing
        return stopped !== c.minimiser && le(sub(ZERO, half), d) && !le(half, d) && w[0] === stopped;
      }),
      RUNS,
    );
  });
});

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
    expectCaught(found);
  });
});
