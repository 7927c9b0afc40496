/**
 * Summary statistics the studies report: Wilson score intervals for hit rates, empirical
 * distribution functions of hitting times and the expected running time (ERT) of COCO.
 */

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** z of a two-sided 95% normal interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for a binomial proportion successes/trials. */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (!(Number.isInteger(successes) && Number.isInteger(trials) && trials > 0 && successes >= 0 && successes <= trials)) {
    throw new RangeError(`wilsonInterval: need 0 <= successes <= trials, trials > 0; got ${successes}/${trials}`);
  }
  const phat = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (phat + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((phat * (1 - phat)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes the real bound is exactly 0 or 1; the float difference centre − half is
  // not (0/7 gave lower = 2.8e-17 > p̂), so those ends are pinned.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === trials ? 1 : Math.min(1, centre + half);
  return { estimate: phat, lower, upper };
}

/** Mean and unbiased variance of a sample. */
export function meanVariance(values: ArrayLike<number>): { mean: number; variance: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (values[i] - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, variance: n > 1 ? ss / (n - 1) : NaN };
}

/**
 * Empirical CDF of first-hitting times, with unsuccessful runs (Infinity) counted in the
 * denominator: F(x) = #{runs that hit by x} / #runs, evaluated at each budget in `at`.
 */
export function hittingEcdf(hittingTimes: ArrayLike<number>, at: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(hittingTimes).sort();
  const result: number[] = [];
  let j = 0;
  for (let i = 0; i < at.length; i++) {
    while (j < sorted.length && sorted[j] <= at[i]) j++;
    result.push(j / sorted.length);
  }
  return result;
}

/**
 * Expected running time (COCO): evaluations spent over all runs (a hit run counts up to its hit,
 * a failed run its whole budget) divided by the number of hits. Infinity when nothing hit.
 */
export function expectedRunningTime(hittingTimes: ArrayLike<number>, budget: number): number {
  let spent = 0;
  let hits = 0;
  for (let i = 0; i < hittingTimes.length; i++) {
    const time = hittingTimes[i];
    if (Number.isFinite(time)) {
      spent += time;
      hits += 1;
    } else {
      spent += budget;
    }
  }
  return hits === 0 ? Infinity : spent / hits;
}
