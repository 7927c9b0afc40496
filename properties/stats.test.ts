/**
 * The paired tests that decide every comparison in the reports (core stats.ts): exact McNemar
 * p-values computed by hand from the binomial, Holm's adjustment on a hand case, Student-t critical
 * values against the published two-sided 95% table, and a paired t analysis by hand. Each
 * property also runs against a deliberately wrong variant and expects a counterexample.
 */
import fc from 'fast-check';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';
import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, decide, holmAdjust, mcNemarExact, pairedCounts, pairedDifference, studentTQuantile, studentTTwoSided } from '../src/core/stats.ts';
import { findCounterexample, holds, scaledRuns } from './config.ts';

describe('exact McNemar test (core mcNemarExact)', () => {
  it('hand cases from the binomial: (1, 9) → 2·11/1024, (0, 5) → 2/32, (2, 8) → 2·56/1024, (3, 3) → 1, (0, 0) → 1', () => {
    // P(X ≤ 1 | n = 10) = (C(10,0) + C(10,1))/2^10 = 11/1024.
    expect(mcNemarExact(1, 9)).toBeCloseTo(22 / 1024, 15);
    expect(mcNemarExact(9, 1)).toBeCloseTo(22 / 1024, 15);
    expect(mcNemarExact(0, 5)).toBeCloseTo(2 / 32, 15);
    // C(10,0) + C(10,1) + C(10,2) = 1 + 10 + 45 = 56.
    expect(mcNemarExact(2, 8)).toBeCloseTo(112 / 1024, 15);
    // (C(6,0)+C(6,1)+C(6,2)+C(6,3))·2/64 = 84/64 > 1, capped.
    expect(mcNemarExact(3, 3)).toBe(1);
    expect(mcNemarExact(0, 0)).toBe(1);
    expect(() => mcNemarExact(-1, 2)).toThrow(RangeError);
  });

  it('paired counts of two indicator sequences; unequal lengths are an error', () => {
    expect(pairedCounts([1, 1, 0, 0, 1], [1, 0, 1, 0, 0])).toEqual({ n: 5, both: 1, onlyA: 2, onlyB: 1, neither: 1 });
    expect(() => pairedCounts([1], [1, 0])).toThrow(RangeError);
  });

  /** The two-sided exact binomial test by definition: the mass of outcomes no more likely than the observed one. */
  const byDefinition = (b: number, c: number) => {
    const n = b + c;
    if (n === 0) return 1;
    const observed = binomialPmf(b, n, 0.5);
    let p = 0;
    for (let k = 0; k <= n; k++) {
      const q = binomialPmf(k, n, 0.5);
      if (q <= observed * (1 + 1e-12)) p += q;
    }
    return Math.min(1, p);
  };
  const mcNemarProperty = (impl: (b: number, c: number) => number) =>
    fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (b, c) => {
      const expected = byDefinition(b, c);
      const got = impl(b, c);
      return Math.abs(got - expected) <= 1e-9 * Math.max(1, expected) || Math.abs(got - expected) < 1e-300;
    });

  it('equals the two-sided exact binomial test by definition (@stdlib pmf) for discordant counts up to 400 each', () => {
    holds(mcNemarProperty(mcNemarExact), scaledRuns(0.5, 50));
  });

  it('the definition property CATCHES a one-sided p-value (no factor 2)', () => {
    const oneSided = (b: number, c: number) => (b + c === 0 ? 1 : binomialHalfCdf(Math.min(b, c), b + c));
    expect(findCounterexample('one-sided McNemar', mcNemarProperty(oneSided), scaledRuns(0.5, 50)).failed).toBe(true);
  });
});

describe('Holm adjustment (core holmAdjust)', () => {
  it('hand case: [0.01, 0.04, 0.03, 0.005] → [0.03, 0.06, 0.06, 0.02]', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adjusted[i]).toBeCloseTo(x, 15));
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.7])).toEqual([0.7]);
  });

  /** Holm by its definition: adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)) over the sorted p-values. */
  const holmProperty = (impl: (p: readonly number[]) => number[]) =>
    // p-values on a 1/1000 lattice: ties and near neighbours (where the running maximum binds) are common.
    fc.property(
      fc.array(
        fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000),
        { minLength: 1, maxLength: 12 },
      ),
      (p) => {
        const m = p.length;
        const sorted = [...p].sort((a, b) => a - b);
        const got = impl(p);
        return p.every((x, i) => {
          const rank = sorted.indexOf(x); // first of equal values: the smallest index among ties
          let expected = 0;
          for (let j = 0; j <= rank; j++) expected = Math.max(expected, Math.min(1, (m - j) * sorted[j]));
          // Among tied raw values the adjusted value is the same, the one at the last tied rank.
          const lastTied = sorted.lastIndexOf(x);
          for (let j = rank + 1; j <= lastTied; j++) expected = Math.max(expected, Math.min(1, (m - j) * sorted[j]));
          return Math.abs(got[i] - expected) <= 1e-15;
        });
      },
    );

  it('equals the step-down definition on random families of up to 12 p-values', () => {
    holds(holmProperty(holmAdjust));
  });

  it('the definition property CATCHES the step-up variant without the running maximum', () => {
    const noMaximum = (p: readonly number[]) => p.map((x) => Math.min(1, (p.length - [...p].sort((a, b) => a - b).indexOf(x)) * x));
    expect(findCounterexample('Holm without running max', holmProperty(noMaximum)).failed).toBe(true);
  });
});

describe('Student t (core studentTQuantile, pairedDifference)', () => {
  it('two-sided 95% critical values match the published table (3 decimals): df 1 … 30 and the normal limit', () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [5, 2.571],
      [6, 2.447],
      [7, 2.365],
      [8, 2.306],
      [9, 2.262],
      [10, 2.228],
      [15, 2.131],
      [20, 2.086],
      [29, 2.045],
      [30, 2.042],
    ];
    for (const [df, t] of table) expect(Math.abs(studentTQuantile(0.975, df) - t), `df ${df}`).toBeLessThan(5e-4);
    expect(Math.abs(studentTQuantile(0.975, 1e7) - 1.96)).toBeLessThan(1e-3);
    // df = 2 has a closed form: t = √(2/(1 − (2q − 1)²) − 2)·sign, here q = 0.975 → 4.302652729911275.
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729911275, 8);
  });

  it('a paired t analysis by hand: d = (1, 2, 3) → mean 2, sd 1, interval 2 ± 4.3027/√3, p = 1 − √(12/14)', () => {
    const r = pairedDifference([1, 2, 3], [0, 0, 0]);
    expect(r.mean).toBe(2);
    expect(r.sd).toBeCloseTo(1, 15);
    expect(r.df).toBe(2);
    expect(r.critical).toBeCloseTo(4.302652729911275, 8);
    expect(r.lower).toBeCloseTo(2 - 4.302652729911275 / Math.sqrt(3), 8);
    expect(r.upper).toBeCloseTo(2 + 4.302652729911275 / Math.sqrt(3), 8);
    // df = 2: P(|T| > t) = 1 − t/√(2 + t²), t = 2/(1/√3) = √12.
    expect(r.pValue).toBeCloseTo(1 - Math.sqrt(12 / 14), 10);
    expect(decide(r.mean, r.pValue)).toBe('indistinguishable');
    expect(() => pairedDifference([1], [0])).toThrow(RangeError);
    // Pairing matters: a shared seed effect cancels in the differences.
    const paired = pairedDifference([70, 80, 90], [69, 79, 89.5]);
    expect(paired.upper - paired.lower).toBeLessThan(4);
  });

  /** The interval's half width is the critical value for the actual df: at its ends the two-sided p-value is α. */
  const criticalProperty = (critical: (df: number) => number) =>
    fc.property(fc.integer({ min: 1, max: 60 }), (df) => Math.abs(studentTTwoSided(critical(df), df) - 0.05) < 1e-9);

  it('the critical value for each df has two-sided p = 0.05 exactly', () => {
    holds(
      criticalProperty((df) => studentTQuantile(0.975, df)),
      scaledRuns(0.5, 60),
    );
  });

  it('the critical-value property CATCHES "2 standard errors" (z ≈ 2 whatever the df)', () => {
    expect(
      findCounterexample(
        '2 standard errors',
        criticalProperty(() => 2),
        scaledRuns(0.5, 60),
      ).failed,
    ).toBe(true);
  });

  it('decide: higher / lower only below α and in the direction of the difference', () => {
    expect(decide(0.3, 0.01)).toBe('higher');
    expect(decide(-0.3, 0.01)).toBe('lower');
    expect(decide(0.3, 0.05)).toBe('indistinguishable');
    expect(decide(0, 0)).toBe('indistinguishable');
  });
});
