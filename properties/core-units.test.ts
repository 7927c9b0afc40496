/**
 * Unit properties of the smaller core pieces the suites stand on: exact arithmetic (the oracle
 * itself), statistics with hand-derivable answers, objective gradients against central finite
 * differences, minimisers with zero gradient and minimal value, the double well's analytic
 * barrier against a numerical scan, and seeded reproducibility.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRational, decompose, floorDiv, ratioToDouble, scaleByPowerOfTwo, toRational } from '../src/core/exact.ts';
import { createDoubleWell, doubleWellValue, MAX_TILT, OBJECTIVES, type Objective } from '../src/core/objectives/index.ts';
import { createRng, deriveSeed } from '../src/core/rng.ts';
import { expectedRunningTime, hittingEcdf, meanVariance, wilsonInterval } from '../src/core/stats.ts';
import { expectCaught, findCounterexample, holds, RUNS, scaledRuns } from './config.ts';
import { abs, cmp, exact, le, nextDown, nextUp, rational, sub } from './oracle.ts';

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const bigRational = fc.record({
  num: fc.bigInt({ min: -(2n ** 1200n), max: 2n ** 1200n }),
  den: fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 64n }), fc.bigInt({ min: 1n, max: 2n ** 1200n })),
});

type RatioToDouble = (num: bigint, den: bigint) => number;

/** ratioToDouble returns the double nearest to num/den, ties to even (checked against both neighbours). */
function nearestDoubleProperty(impl: RatioToDouble) {
  return fc.property(bigRational, ({ num, den }) => {
    const v = impl(num, den);
    if (!Number.isFinite(v)) return Math.abs(Number(num) / Number(den)) > 1e307; // beyond the doubles
    const target = rational(num, den);
    const here = abs(sub(exact(v), target));
    for (const neighbour of [nextUp(v), nextDown(v)]) {
      if (!Number.isFinite(neighbour)) continue;
      const there = abs(sub(exact(neighbour), target));
      const order = cmp(here, there);
      if (order > 0) return false;
      if (order === 0 && (decompose(v).mantissa & 1n) === 1n && v !== 0) return false; // a tie must go to even
    }
    return true;
  });
}

describe('core exact arithmetic (src/core/exact.ts)', () => {
  it('decompose: x = mantissa·2^exponent exactly for every finite double, subnormals included', () => {
    holds(
      fc.property(fc.oneof(finiteDouble, fc.double({ min: -(2 ** -1022), max: 2 ** -1022, noNaN: true })), (x) => {
        const { mantissa, exponent } = decompose(x);
        return Object.is(scaleByPowerOfTwo(Number(mantissa), exponent) + 0, x + 0) && (mantissa < 0n ? -mantissa : mantissa) < 2n ** 53n;
      }),
      RUNS * 5,
    );
  });

  it('ratioToDouble(toRational(x)) = x for every finite double (round trip)', () => {
    holds(fc.property(finiteDouble, (x) => Object.is(ratioToDouble(toRational(x).num, toRational(x).den) + 0, x + 0)), RUNS * 5);
  });

  it('ratioToDouble(a, b) = a/b for safe integers (one IEEE division is correctly rounded)', () => {
    holds(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (a, b) => ratioToDouble(BigInt(a), BigInt(b)) === a / b),
      RUNS * 5,
    );
  });

  it('ratioToDouble(num, den) is the double nearest to num/den, ties to even, for bigints up to 2^1200 (exact neighbour comparison)', () => {
    holds(nearestDoubleProperty(ratioToDouble), RUNS * 2);
  });

  it('ratioToDouble in the subnormal range: 2^-1075 ties to 0, 0.75·2^-1074 rounds to 2^-1074, 1.5·2^-1074 ties to 2·2^-1074', () => {
    expect(ratioToDouble(1n, 2n ** 1075n)).toBe(0);
    expect(ratioToDouble(3n, 2n ** 1076n)).toBe(Number.MIN_VALUE);
    expect(ratioToDouble(3n, 2n ** 1075n)).toBe(2 * Number.MIN_VALUE);
    expect(ratioToDouble(-(10n ** 400n), 10n ** 399n)).toBe(-10);
  });

  it('the nearest-double property CATCHES Number(num)/Number(den) (two roundings, overflow)', () => {
    const found = findCounterexample('Number(num)/Number(den)', nearestDoubleProperty((num, den) => Number(num) / Number(den)));
    expectCaught(found);
  });

  it('floorDiv and compareRational agree with Math.floor and < on safe integers', () => {
    holds(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (a, b, c) => {
        const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
        return (
          floorDiv(BigInt(a), BigInt(b)) === BigInt(Math.floor(a / b)) &&
          compareRational({ num: BigInt(a), den: BigInt(b) }, { num: BigInt(c), den: 1n }) === sign(a / b - c) &&
          le(exact(a), exact(a))
        );
      }),
      RUNS * 2,
    );
  });
});

describe('core statistics (src/core/stats.ts), hand-derived cases', () => {
  it('Wilson interval with z = 2: 0/4 → [0, 1/2], 4/4 → [1/2, 1], 6/12 → [1/4, 3/4]', () => {
    // centre (p̂ + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²):
    // 0/4: centre 1/4, half 1/4; 6/12: centre 1/2, half (2·3/4)·√(1/48 + 1/144) = 1/4.
    const close = (i: { lower: number; upper: number }, lo: number, hi: number) => {
      expect(i.lower).toBeCloseTo(lo, 14);
      expect(i.upper).toBeCloseTo(hi, 14);
    };
    close(wilsonInterval(0, 4, 2), 0, 0.5);
    close(wilsonInterval(4, 4, 2), 0.5, 1);
    close(wilsonInterval(6, 12, 2), 0.25, 0.75);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
  });

  it('Wilson interval contains p̂ and is symmetric under successes ↔ failures', () => {
    holds(
      fc.property(fc.integer({ min: 1, max: 10000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), ([n, k]) => {
        const a = wilsonInterval(k, n);
        const b = wilsonInterval(n - k, n);
        return a.lower <= k / n && k / n <= a.upper && Math.abs(a.lower - (1 - b.upper)) < 1e-12 && Math.abs(a.upper - (1 - b.lower)) < 1e-12;
      }),
    );
  });

  it('mean/variance, ECDF of hitting times and ERT on hand cases', () => {
    expect(meanVariance([1, 2, 3, 4])).toEqual({ mean: 2.5, variance: 5 / 3 });
    expect(hittingEcdf([1, 3, Infinity, 2], [0, 1, 2.5, 10])).toEqual([0, 0.25, 0.5, 0.75]);
    expect(expectedRunningTime([1, 3, Infinity], 10)).toBe(7); // (1 + 3 + 10) / 2 hits
    expect(expectedRunningTime([Infinity], 10)).toBe(Infinity);
  });
});

// ---------------------------------------------------------------------------------------------

const objectiveCase = fc
  .record({ name: fc.constantFrom(...OBJECTIVES.keys()), dims: fc.integer({ min: 1, max: 5 }), u: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }) })
  .map(({ name, dims, u }) => {
    const factory = OBJECTIVES.get(name)!;
    const d = factory.dimensions === 'any' ? dims : factory.dimensions[0];
    const objective = factory.create(d);
    return { name, dims: d, point: Array.from({ length: d }, (_, i) => objective.lower + (objective.upper - objective.lower) * u[i]) };
  });

type GradientFn = (objective: Objective, w: Float64Array, g: Float64Array) => void;

function gradientProperty(gradient: GradientFn) {
  return fc.property(objectiveCase, ({ name, dims, point }) => {
    const objective = OBJECTIVES.get(name)!.create(dims);
    const w = Float64Array.from(point);
    if (name === 'ackley') fc.pre(Math.hypot(...point) > 1e-3); // not differentiable at 0
    const g = new Float64Array(dims);
    gradient(objective, w, g);
    for (let i = 0; i < dims; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(w[i]));
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[i] += h;
      minus[i] -= h;
      const fd = (objective.value(plus, 0) - objective.value(minus, 0)) / (plus[i] - minus[i]);
      if (!(Math.abs(g[i] - fd) <= 1e-5 * (1 + Math.abs(fd)))) throw new Error(`${name} d=${dims} ∂_${i}: gradient ${g[i]}, central difference ${fd}`);
    }
  });
}

describe('core objectives', () => {
  it('every objective: gradient equals the central finite difference at random points of its box (relative 1e-5)', () => {
    holds(gradientProperty((o, w, g) => o.gradient(w, 0, g, 0)), RUNS * 2);
  });

  it('the gradient property CATCHES a Rastrigin gradient missing its 2π factor', () => {
    const wrong: GradientFn = (o, w, g) => {
      o.gradient(w, 0, g, 0);
      if (o.name === 'rastrigin') for (let i = 0; i < o.dims; i++) g[i] = 2 * w[i] + 10 * Math.sin(2 * Math.PI * w[i]);
    };
    const found = findCounterexample('Rastrigin gradient without 2π', gradientProperty(wrong));
    expectCaught(found);
  });

  it('every objective: the gradient vanishes at each stated global minimiser, f(minimiser) = f*, and f ≥ f* at random points of the box', () => {
    holds(
      fc.property(objectiveCase, ({ name, dims, point }) => {
        const objective = OBJECTIVES.get(name)!.create(dims);
        const g = new Float64Array(dims);
        for (const m of objective.minimisers) {
          objective.gradient(m, 0, g, 0);
          if (!g.every((x) => Math.abs(x) < 1e-8)) throw new Error(`${name}: gradient ${g} at minimiser ${m}`);
          if (!(Math.abs(objective.value(m, 0) - objective.minimum) <= 1e-12 * (1 + Math.abs(objective.minimum)))) throw new Error(`${name}: f(m) ≠ f*`);
        }
        return objective.value(Float64Array.from(point), 0) >= objective.minimum - 1e-12;
      }),
      RUNS * 2,
    );
  });

  it('double well: the analytic barrier Δ, the minimiser and f* match a numerical scan of f on [−2, 2] (step 1e-5) for tilts in (0, 8/(3√3))', () => {
    holds(
      fc.property(fc.double({ min: 0.01, max: MAX_TILT - 0.05, noNaN: true }), (tilt) => {
        const wells = createDoubleWell(tilt);
        const step = 1e-5;
        const minima: number[] = [];
        const maxima: number[] = [];
        let previous = doubleWellValue(-2, tilt);
        let current = doubleWellValue(-2 + step, tilt);
        for (let i = 2; i <= 400000; i++) {
          const next = doubleWellValue(-2 + i * step, tilt);
          if (current < previous && current <= next) minima.push(-2 + (i - 1) * step);
          if (current > previous && current >= next) maxima.push(-2 + (i - 1) * step);
          previous = current;
          current = next;
        }
        expect(minima).toHaveLength(2);
        expect(maxima).toHaveLength(1);
        const [deep, shallow] = minima.map((x) => doubleWellValue(x, tilt));
        const scannedBarrier = doubleWellValue(maxima[0], tilt) - Math.max(deep, shallow);
        // f is flat to second order at the extrema: an argmin off by ≤ step changes f by ≤ f''·step²/2 < 1e-8
        expect(Math.abs(wells.barrier! - scannedBarrier)).toBeLessThan(1e-8);
        expect(Math.abs(wells.minimisers[0][0] - minima[0])).toBeLessThanOrEqual(step);
        expect(Math.abs(wells.minimum - Math.min(deep, shallow))).toBeLessThan(1e-8);
        expect(deep).toBeLessThan(shallow); // the global minimum is the left well
      }),
      scaledRuns(0.1, 10, 200),
    );
  });
});

describe('core randomness (src/core/rng.ts)', () => {
  it('one seed reproduces the uniform and normal streams bit for bit; derived seeds depend on their labels', () => {
    holds(
      fc.property(fc.integer({ min: 1, max: 2 ** 32 - 1 }), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        for (let i = 0; i < 50; i++) if (!Object.is(a.uniform(), b.uniform()) || !Object.is(a.normal(), b.normal())) return false;
        const child = deriveSeed(seed, 1, 2);
        return child === deriveSeed(seed, 1, 2) && child !== deriveSeed(seed, 2, 1);
      }),
      scaledRuns(0.5, 10),
    );
  });
});
