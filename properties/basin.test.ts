/**
 * SPEC §4–§5 references the theorem study measures against: the Gibbs mass of an interval by
 * numerical integration (core gibbsMass), the basin a point lies in by quenching (core quench /
 * inGlobalBasin), and the mirror image f(−w) used as the floor quantizer's control (core
 * mirrorObjective). Each property also runs against a deliberately wrong variant.
 */
import fc from 'fast-check';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { describe, expect, it } from 'vitest';
import {
  createDoubleWell,
  createObjective,
  doubleWellCriticalPoints,
  DEFAULT_TILT,
  inGlobalBasin,
  mirrorObjective,
  quench,
  type Objective,
} from '../src/core/objectives/index.ts';
import { gibbsMass } from '../src/core/sde.ts';
import { expectCaught, findCounterexample, holds, scaledRuns } from './config.ts';

type GibbsMass = typeof gibbsMass;

/** On f = w²/2 the Gibbs law at T is N(0, T): the mass of [a, b] is Φ(b/√T) − Φ(a/√T). */
function gaussianMassProperty(mass: GibbsMass) {
  return fc.property(
    fc.double({ min: 0.01, max: 5, noNaN: true }),
    fc.double({ min: -4, max: 4, noNaN: true }),
    fc.double({ min: 0.01, max: 4, noNaN: true }),
    (T, a, width) => {
      const b = a + width;
      const sd = Math.sqrt(T);
      const [got] = mass((w) => (w * w) / 2, T, [[a, b]], [-40 * Math.max(1, sd), 40 * Math.max(1, sd)], 40_000);
      const expected = normalCdf(b, 0, sd) - normalCdf(a, 0, sd);
      return Math.abs(got - expected) < 1e-6;
    },
  );
}

describe('Gibbs mass by numerical integration (core gibbsMass)', () => {
  it('equals the Gaussian law on f = w²/2 for T in [0.01, 5] and any interval (|error| < 1e-6)', () => {
    holds(gaussianMassProperty(gibbsMass), scaledRuns(0.25, 40, 400));
  });

  it('the property CATCHES a mass that forgets the temperature (e^{−f} instead of e^{−f/T})', () => {
    const noTemperature: GibbsMass = (f, _T, regions, support, cells) => gibbsMass(f, 1, regions, support, cells);
    expectCaught(findCounterexample('Gibbs mass at T = 1', gaussianMassProperty(noTemperature), scaledRuns(0.25, 40, 400)));
  });

  it('double well: the masses of the two basins add to 1, and the global basin takes all the mass as T → 0', () => {
    const well = createDoubleWell();
    const top = doubleWellCriticalPoints(DEFAULT_TILT)[1];
    const f = (w: number) => well.value(Float64Array.of(w), 0);
    for (const T of [0.05, 0.3, 2]) {
      const [left, right] = gibbsMass(
        f,
        T,
        [
          [-Infinity, top],
          [top, Infinity],
        ],
        [-3, 3],
      );
      expect(left + right).toBeCloseTo(1, 10);
    }
    expect(gibbsMass(f, 0.02, [[-Infinity, top]], [-3, 3])[0]).toBeGreaterThan(1 - 1e-9);
    expect(() => gibbsMass(f, 0, [[0, 1]], [-3, 3])).toThrow(RangeError);
  });
});

/** Without its closed form, so that inGlobalBasin quenches. */
function withoutClosedForm(objective: Objective): Objective {
  const { globalBasin: _dropped, ...rest } = objective;
  return rest;
}

type BasinTest = (objective: Objective, w: Float64Array) => boolean;

/**
 * Broken: greedy descent that accepts any decrease of f, trying moves from 10 down by halving
 * (no sufficient-decrease condition, no move cap): it can land in another basin.
 */
const greedyBasin: BasinTest = (objective, w) => {
  const x = Float64Array.from(w);
  const g = new Float64Array(1);
  for (let k = 0; k < 2000; k++) {
    objective.gradient(x, 0, g, 0);
    const norm = Math.abs(g[0]);
    if (norm < 1e-9) break;
    let move = 10;
    const value = objective.value(x, 0);
    while (move > 1e-12 && !(objective.value(Float64Array.of(x[0] - (move * g[0]) / norm), 0) < value)) move /= 2;
    x[0] -= (move * g[0]) / norm;
  }
  return Math.abs(x[0] - objective.minimisers[0][0]) < 1e-3;
};

function doubleWellBasinProperty(basin: BasinTest) {
  const well = createDoubleWell();
  const quenched = withoutClosedForm(well);
  const top = doubleWellCriticalPoints(DEFAULT_TILT)[1];
  return fc.property(fc.double({ min: -2, max: 2, noNaN: true }), (x) => {
    fc.pre(Math.abs(x - top) > 1e-6);
    const w = Float64Array.of(x);
    return basin(quenched, w) === x < top && well.globalBasin!(w, 0) === x < top;
  });
}

describe('basins by quenching (core quench, inGlobalBasin)', () => {
  it('double well: the quench decides the basin exactly as the closed form (left of the barrier top)', () => {
    holds(
      doubleWellBasinProperty((o, w) => inGlobalBasin(o, w, 0)),
      scaledRuns(0.5, 100),
    );
  });

  it('the property CATCHES a greedy descent (any decrease accepted, moves up to 10) that jumps the barrier', () => {
    expectCaught(findCounterexample('greedy descent', doubleWellBasinProperty(greedyBasin), scaledRuns(0.5, 100)));
  });

  it("Rastrigin: a point within 0.3 of a lattice point quenches to that local minimiser; only the origin's is global", () => {
    const f = createObjective('rastrigin', 2);
    const rng = fc.sample(
      fc.tuple(
        fc.integer({ min: -4, max: 4 }),
        fc.integer({ min: -4, max: 4 }),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
      ),
      { seed: 7, numRuns: 60 },
    );
    for (const [i, j, dx, dy] of rng) {
      const w = Float64Array.of(i + dx, j + dy);
      const { point } = quench(f, w, 0);
      expect(Math.round(point[0]) + 0, `${i},${j}`).toBe(i + 0);
      expect(Math.round(point[1]) + 0, `${i},${j}`).toBe(j + 0);
      expect(inGlobalBasin(f, w, 0)).toBe(i === 0 && j === 0);
    }
  });
});

function mirrorProperty(mirror: (o: Objective) => Objective) {
  const names = ['double-well', 'six-hump-camel', 'styblinski-tang'] as const;
  return fc.property(fc.constantFrom(...names), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (name, u, v) => {
    const base = createObjective(name, name === 'double-well' ? 1 : 2);
    const m = mirror(base);
    const d = base.dims;
    const w = Float64Array.from([u, v].slice(0, d), (s) => m.lower + s * (m.upper - m.lower));
    const minus = Float64Array.from(w, (x) => -x);
    if (m.value(w, 0) !== base.value(minus, 0)) return false;
    // Gradient against central differences of the mirrored value.
    const g = new Float64Array(d);
    m.gradient(w, 0, g, 0);
    for (let i = 0; i < d; i++) {
      const h = 1e-6;
      const plus = Float64Array.from(w);
      const less = Float64Array.from(w);
      plus[i] += h;
      less[i] -= h;
      const fd = (m.value(plus, 0) - m.value(less, 0)) / (2 * h);
      if (Math.abs(fd - g[i]) > 1e-4 * Math.max(1, Math.abs(fd))) return false;
    }
    return m.minimisers.every((x, k) => x.every((c, i) => c === -base.minimisers[k][i]));
  });
}

describe('mirror image f(−w) (core mirrorObjective)', () => {
  it('value, gradient (central differences), minimisers, box and basin are those of f at −w', () => {
    holds(mirrorProperty(mirrorObjective), scaledRuns(0.5, 100));
    const well = createDoubleWell();
    const mirrored = mirrorObjective(well);
    expect([mirrored.lower, mirrored.upper]).toEqual([-well.upper, -well.lower]);
    expect(mirrored.barrier).toBe(well.barrier);
    expect(mirrored.globalBasin!(Float64Array.of(0.9), 0)).toBe(true);
    expect(mirrored.globalBasin!(Float64Array.of(-0.9), 0)).toBe(false);
  });

  it("the property CATCHES a mirror that forgets the chain rule's sign in the gradient", () => {
    const noSign = (o: Objective): Objective => {
      const m = mirrorObjective(o);
      return {
        ...m,
        gradient: (w, offset, g, gOffset) =>
          o.gradient(
            Float64Array.from(w.subarray(offset, offset + o.dims), (x) => -x),
            0,
            g,
            gOffset,
          ),
      };
    };
    expectCaught(findCounterexample('mirror gradient without sign', mirrorProperty(noSign), scaledRuns(0.5, 100)));
  });
});
