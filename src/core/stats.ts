/**
 * Summary statistics the studies report: Wilson score intervals for hit rates, empirical
 * distribution functions of hitting times, the expected running time (ERT) of COCO, and the paired
 * tests that decide comparisons (exact McNemar on paired hit indicators, Holm's adjustment per
 * family, paired Student-t differences over shared seeds).
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';

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

// ---------------------------------------------------------------------------------------------
// Paired comparisons. Every optimizer of a study runs from the same starts, and CIFAR-10 cells of
// one learning rate share their seeds: the designs are paired, so the tests below are paired tests.

/** Counts of a paired 2×2 table of hit indicators a[i], b[i] over the same runs. */
export interface PairedCounts {
  readonly n: number;
  readonly both: number;
  /** Runs where only a hit (McNemar's b). */
  readonly onlyA: number;
  /** Runs where only b hit (McNemar's c). */
  readonly onlyB: number;
  readonly neither: number;
}

/** The paired 2×2 table of two equally long 0/1 indicator sequences (run i of a with run i of b). */
export function pairedCounts(a: ArrayLike<number>, b: ArrayLike<number>): PairedCounts {
  if (a.length !== b.length) throw new RangeError(`pairedCounts: paired indicators must have the same length, got ${a.length} and ${b.length}`);
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    if (x && y) both++;
    else if (x) onlyA++;
    else if (y) onlyB++;
  }
  return { n: a.length, both, onlyA, onlyB, neither: a.length - both - onlyA - onlyB };
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space from exact log-binomial coefficients
 * (lgamma-free: log C(n, i) by a running sum of logs), so it stays accurate for n in the thousands.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`binomialHalfCdf: n must be an integer >= 0, got ${n}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logHalfN = n * Math.log(0.5);
  let logC = 0;
  const terms: number[] = [logHalfN];
  for (let i = 1; i <= k; i++) {
    logC += Math.log((n - i + 1) / i);
    terms.push(logC + logHalfN);
  }
  const top = Math.max(...terms);
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - top);
  return Math.min(1, Math.exp(top) * sum);
}

/**
 * Exact two-sided McNemar test on the discordant pairs (onlyA = b, onlyB = c): under H0 the b + c
 * discordant runs split as Binomial(b + c, 1/2); p = min(1, 2·P(X ≤ min(b, c))). p = 1 when there
 * are no discordant pairs.
 */
export function mcNemarExact(onlyA: number, onlyB: number): number {
  if (!(Number.isSafeInteger(onlyA) && Number.isSafeInteger(onlyB) && onlyA >= 0 && onlyB >= 0)) {
    throw new RangeError(`mcNemarExact: discordant counts must be integers >= 0, got ${onlyA}, ${onlyB}`);
  }
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(onlyA, onlyB), n));
}

/**
 * Holm's step-down adjustment of a family of p-values (controls the family-wise error rate):
 * sorted ascending, p_(i) becomes max over j ≤ i of min(1, (m − j + 1)·p_(j)); returned in the
 * input order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** The outcome of a two-sided paired comparison of a against b. */
export type Decision = 'higher' | 'lower' | 'indistinguishable';

/** a is higher or lower than b when the (adjusted) p-value is below α, in the direction of the difference. */
export function decide(difference: number, pValue: number, alpha = 0.05): Decision {
  if (!(pValue < alpha) || difference === 0) return 'indistinguishable';
  return difference > 0 ? 'higher' : 'lower';
}

/**
 * The Student-t quantile: t with P(T ≤ t) = probability for `df` degrees of freedom, by bisection
 * on @stdlib's t CDF (monotone; to the last bits of a double in ~1100 halvings at most, usually ~60).
 */
export function studentTQuantile(probability: number, df: number): number {
  if (!(probability > 0 && probability < 1)) throw new RangeError(`studentTQuantile: probability must lie in (0, 1), got ${probability}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: degrees of freedom must be > 0, got ${df}`);
  if (probability === 0.5) return 0;
  if (probability < 0.5) return -studentTQuantile(1 - probability, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < probability) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (tCdf(mid, df) < probability) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Two-sided p-value of a Student-t statistic with `df` degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTTwoSided: degrees of freedom must be > 0, got ${df}`);
  if (Number.isNaN(t)) return NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** A paired-difference estimate: mean of a[i] − b[i] over shared units with its t interval. */
export interface PairedDifference {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation of the differences. */
  readonly sd: number;
  /** Standard error sd/√n. */
  readonly se: number;
  readonly df: number;
  /** t_{1−α/2, n−1}, the critical value the interval uses. */
  readonly critical: number;
  readonly lower: number;
  readonly upper: number;
  /** Two-sided p-value of the paired t test (H0: mean difference 0). */
  readonly pValue: number;
}

/**
 * Paired t analysis of a[i] − b[i] (the same seed i on both sides): mean, standard error, the
 * (1 − α) interval with the Student-t critical value for n − 1 degrees of freedom, and the p-value.
 * Needs n ≥ 2. With zero spread the interval is the point and p is 0 (a ≠ b) or 1 (a = b).
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, alpha = 0.05): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: paired samples must have the same length, got ${a.length} and ${b.length}`);
  const n = a.length;
  if (n < 2) throw new RangeError(`pairedDifference: need at least 2 pairs, got ${n}`);
  const d = Float64Array.from({ length: n }, (_, i) => a[i] - b[i]);
  const { mean, variance } = meanVariance(d);
  const sd = Math.sqrt(variance);
  const se = sd / Math.sqrt(n);
  const df = n - 1;
  const critical = studentTQuantile(1 - alpha / 2, df);
  const pValue = se === 0 ? (mean === 0 ? 1 : 0) : studentTTwoSided(mean / se, df);
  return { n, mean, sd, se, df, critical, lower: mean - critical * se, upper: mean + critical * se, pValue };
}
