/**
 * SPEC §2 (eq. 6), the white noise hypothesis: where inputs spread over many cells the round error
 * is ~ uniform on (−1/(2Q), 1/(2Q)] (floor residue: uniform on [0, 1/Q)), mean and variance
 * 1/(12Q²) within their standard errors, KS and χ² not rejecting, no lag-1 correlation; where
 * |x| < 1/(2Q) it breaks: x^Q = 0 and e = −x exactly. Uses the core's diagnostics (src/core/wnh.ts).
 *
 * Thresholds, per run: moments within 5 standard errors (two-sided 5.7e-7), KS and χ² p-values
 * above 1e-6, |lag-1 autocorrelation| ≤ 5/√n. With these a true WNH fails a run with probability
 * about 4e-6, so even the deep mode's capped 300 runs pass with probability > 0.998 at any seed;
 * the broken variant below is off by many standard errors, so the power is not in question.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeGrid, quantize, type Grid, type QuantMode } from '../src/core/quantizer.ts';
import { createRng } from '../src/core/rng.ts';
import { autocorrelation, chiSquareUniform, errorMoments, ksUniform, quantizationErrors, vanishingFraction } from '../src/core/wnh.ts';
import { expectCaught, findCounterexample, holds, RUNS, scaledRuns } from './config.ts';
import { exact, exactCell, HALF, lt, modeArb, mul, abs } from './oracle.ts';

type QuantizeFn = (x: number, grid: Grid, mode: QuantMode) => number;

/** Truncation toward zero sold as round: an error law twice as wide, and a vanishing zone of a whole cell. */
const truncatingRound: QuantizeFn = (x, grid, mode) =>
  mode === 'round' ? Math.trunc(grid.Q * x) / grid.Q : quantize(x, grid, mode);

const SAMPLES = 2000;
const Z = 5;
const P_MIN = 1e-6;

/** The error of the WNH for an implementation: round e = x^Q − x, floor r = x − x^Q. */
function errorsOf(impl: QuantizeFn, x: Float64Array, grid: Grid, mode: QuantMode): Float64Array {
  const errors = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const q = impl(x[i], grid, mode);
    errors[i] = mode === 'round' ? q - x[i] : x[i] - q;
  }
  return errors;
}

const denseCase = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 }),
  grid: fc.oneof(
    fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: -10, max: 30 }) }),
    fc.record({ eta: fc.constant(3), base: fc.constant(10), p: fc.integer({ min: -4, max: 8 }) }),
    fc.record({ eta: fc.integer({ min: 1, max: 9 }), base: fc.integer({ min: 3, max: 7 }), p: fc.integer({ min: -4, max: 8 }) }),
  ),
  mode: modeArb,
  law: fc.constantFrom('uniform' as const, 'gaussian' as const),
  /** spread in cells: uniform half-width, or Gaussian standard deviation */
  cells: fc.oneof(fc.integer({ min: 1000, max: 10 ** 6 }), fc.integer({ min: 2, max: 1000 })),
  /** centre in cells */
  centre: fc.integer({ min: -(10 ** 6), max: 10 ** 6 }),
});

/** §2: dense inputs give errors whose moments, KS, χ² and lag-1 correlation match the uniform law. */
function denseProperty(impl: QuantizeFn) {
  return fc.property(denseCase, (c) => {
    const grid = makeGrid(c.grid.eta, c.grid.base, c.grid.p);
    // a uniform spread needs ≥ 1000 cells (partial end cells bias the law by ≤ 1/cells); a
    // Gaussian spread of ≥ 2 cells is already uniform to within e^{−2π²·4} (Widrow)
    fc.pre(c.law === 'gaussian' || c.cells >= 1000);
    const rng = createRng(c.seed);
    const x = new Float64Array(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      const u = c.law === 'uniform' ? 2 * rng.uniform() - 1 : rng.normal();
      x[i] = (c.centre + c.cells * u) * grid.cell;
    }
    const errors = errorsOf(impl, x, grid, c.mode);
    const m = errorMoments(errors, grid, c.mode);
    const ks = ksUniform(errors, grid, c.mode);
    const chi = chiSquareUniform(errors, grid, c.mode);
    const r1 = autocorrelation(errors, 1);
    const failures: string[] = [];
    if (Math.abs(m.mean - m.expectedMean) > Z * m.meanStandardError) failures.push(`mean ${m.mean} vs ${m.expectedMean} ± ${Z}·${m.meanStandardError}`);
    if (Math.abs(m.variance - m.expectedVariance) > Z * m.varianceStandardError) failures.push(`variance ${m.variance} vs 1/(12Q²) = ${m.expectedVariance} ± ${Z}·${m.varianceStandardError}`);
    if (!(ks.pValue > P_MIN)) failures.push(`KS p = ${ks.pValue}`);
    if (!(chi.pValue > P_MIN)) failures.push(`χ² p = ${chi.pValue}`);
    if (Math.abs(r1) > Z / Math.sqrt(SAMPLES)) failures.push(`lag-1 autocorrelation ${r1}`);
    if (failures.length > 0) throw new Error(failures.join('; '));
  });
}

/** Inputs strictly inside the vanishing zone |x| < 1/(2Q). */
const vanishingCase = fc
  .record({
    grid: fc.oneof(
      fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: -20, max: 40 }) }),
      fc.record({ eta: fc.integer({ min: 1, max: 9 }), base: fc.integer({ min: 3, max: 10 }), p: fc.integer({ min: -8, max: 12 }) }),
    ),
    u: fc.double({ min: -1, max: 1, noNaN: true }),
  })
  .map(({ grid, u }) => ({ ...grid, x: (u * makeGrid(grid.eta, grid.base, grid.p).cell) / 2 }));

describe('§2 white noise hypothesis', () => {
  it('§2 dense inputs (≥ 1000 cells uniform, or Gaussian ≥ 2 cells): error mean and variance 1/(12Q²) within 5 SE, KS and χ² p > 1e-6, lag-1 autocorrelation ≤ 5/√n (both modes)', () => {
    holds(denseProperty(quantize), scaledRuns(0.1, 10, 300));
  });

  it('§2 the core quantizationErrors is the error the WNH speaks about (round x^Q − x, floor x − x^Q)', () => {
    const grid = makeGrid(3, 10, 2);
    const x = Float64Array.from({ length: 500 }, (_, i) => (i - 250) * 0.0123456789);
    for (const mode of ['floor', 'round'] as const) expect(quantizationErrors(x, grid, mode)).toEqual(errorsOf(quantize, x, grid, mode));
  });

  it('§2 where the WNH breaks: |x| < 1/(2Q) gives x^Q = 0 and round error exactly −x', () => {
    holds(
      fc.property(vanishingCase, (c) => {
        const grid = makeGrid(c.eta, c.base, c.p);
        fc.pre(lt(abs(exact(c.x)), mul(exactCell(grid), HALF)));
        const errors = quantizationErrors([c.x], grid, 'round');
        return quantize(c.x, grid, 'round') === 0 && Object.is(errors[0] + 0, -c.x + 0) && (c.x === 0 || vanishingFraction([c.x], grid, 'round') === 1);
      }),
      RUNS * 2,
    );
  });

  it('§2 where the WNH breaks: inputs concentrated well inside one cell (|x| ≲ 0.05/Q) are rejected by moments and KS', () => {
    holds(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: -10, max: 30 }), (seed, p) => {
        const grid = makeGrid(1, 2, p);
        const rng = createRng(seed);
        const x = Float64Array.from({ length: SAMPLES }, () => 0.05 * grid.cell * rng.normal());
        const errors = quantizationErrors(x, grid, 'round');
        const m = errorMoments(errors, grid, 'round');
        return (
          vanishingFraction(x, grid, 'round') === 1 &&
          Math.abs(m.variance - m.expectedVariance) > Z * m.varianceStandardError &&
          ksUniform(errors, grid, 'round').pValue < P_MIN
        );
      }),
      scaledRuns(0.05, 5, 100),
    );
  });

  it('§2 the dense property CATCHES a quantizer that truncates toward zero instead of rounding', () => {
    const found = findCounterexample('Math.trunc(Q*x)/Q as round', denseProperty(truncatingRound), scaledRuns(0.1, 10, 300));
    expectCaught(found);
  });
});
