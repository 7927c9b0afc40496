/**
 * Diagnostics of the white noise hypothesis (SPEC §2, eq. 6): where inputs spread over many cells,
 * the round error is ~ i.i.d. uniform on (−1/(2Q), 1/(2Q)] with variance 1/(12Q²) (the floor
 * residue: uniform on [0, 1/Q)); where |x| < 1/(2Q) the step vanishes and e = −x exactly.
 */
import chi2gof from '@stdlib/stats-chi2gof';
import kstest from '@stdlib/stats-kstest';
import { quantize, type Grid, type QuantMode } from './quantizer.ts';
import { meanVariance } from './stats.ts';

/** The error the WNH speaks about, scaled to one cell: round e = x^Q − x, floor r = x − x^Q. */
export function quantizationErrors(x: ArrayLike<number>, grid: Grid, mode: QuantMode): Float64Array {
  const errors = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const q = quantize(x[i], grid, mode);
    errors[i] = mode === 'round' ? q - x[i] : x[i] - q;
  }
  return errors;
}

/** The law the WNH predicts for quantizationErrors: its support, mean and variance. */
export function wnhLaw(grid: Grid, mode: QuantMode): { lower: number; upper: number; mean: number; variance: number } {
  const cell = grid.cell;
  const lower = mode === 'round' ? -cell / 2 : 0;
  return { lower, upper: lower + cell, mean: lower + cell / 2, variance: (cell * cell) / 12 };
}

export interface WnhMoments {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
  readonly expectedMean: number;
  /** 1/(12Q²). */
  readonly expectedVariance: number;
  /** Standard errors of the two estimates under the uniform law (for interval checks). */
  readonly meanStandardError: number;
  readonly varianceStandardError: number;
}

/** Empirical mean and variance of the errors against the uniform law (SPEC §2, eq. 6). */
export function errorMoments(errors: ArrayLike<number>, grid: Grid, mode: QuantMode): WnhMoments {
  const { mean, variance } = meanVariance(errors);
  const law = wnhLaw(grid, mode);
  const n = errors.length;
  // Uniform law: Var(e) = c²/12, Var(e²-centred) = c⁴/180, so Var(s²) ≈ c⁴/(180 n).
  const cell = grid.cell;
  return {
    n,
    mean,
    variance,
    expectedMean: law.mean,
    expectedVariance: law.variance,
    meanStandardError: Math.sqrt(law.variance / n),
    varianceStandardError: Math.sqrt(cell ** 4 / (180 * n)),
  };
}

/** Kolmogorov–Smirnov test of the errors against the uniform law (@stdlib/stats-kstest). */
export function ksUniform(errors: ArrayLike<number>, grid: Grid, mode: QuantMode): { statistic: number; pValue: number } {
  const law = wnhLaw(grid, mode);
  const result = kstest(Array.from(errors), 'uniform', law.lower, law.upper);
  return { statistic: result.statistic, pValue: result.pValue };
}

/** Chi-square goodness of fit of the errors over `bins` equal sub-cells (@stdlib/stats-chi2gof). */
export function chiSquareUniform(
  errors: ArrayLike<number>,
  grid: Grid,
  mode: QuantMode,
  bins = 16,
): { statistic: number; pValue: number; df: number } {
  const law = wnhLaw(grid, mode);
  const counts = new Array<number>(bins).fill(0);
  const width = (law.upper - law.lower) / bins;
  for (let i = 0; i < errors.length; i++) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((errors[i] - law.lower) / width)));
    counts[bin] += 1;
  }
  const result = chi2gof(counts, new Array<number>(bins).fill(1 / bins));
  return { statistic: result.statistic, pValue: result.pValue, df: result.df ?? bins - 1 };
}

/** Sample autocorrelation at lag k (the WNH says ≈ 0 for k ≥ 1). */
export function autocorrelation(series: ArrayLike<number>, lag: number): number {
  const n = series.length;
  if (!(Number.isInteger(lag) && lag >= 0 && lag < n)) throw new RangeError(`lag must be an integer in [0, ${n}), got ${lag}`);
  const { mean } = meanVariance(series);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    const centred = series[i] - mean;
    denominator += centred * centred;
    if (i + lag < n) numerator += centred * (series[i + lag] - mean);
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Fraction of non-zero inputs that quantize to exactly zero: the vanishing regime (SPEC §2). */
export function vanishingFraction(x: ArrayLike<number>, grid: Grid, mode: QuantMode): number {
  let nonZero = 0;
  let vanished = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue;
    nonZero += 1;
    if (quantize(x[i], grid, mode) === 0) vanished += 1;
  }
  return nonZero === 0 ? 0 : vanished / nonZero;
}
