/**
 * What the B.2a rules know about one quantized step: whether Q_p(h) is all zero and what its
 * components' grid integers sum to, decided exactly from full vectors or, from a sample and the
 * record's summaries, only where they decide it (SPEC §7; src/check/README.md says which).
 */
import { gridIndex, QuantizerRangeError, type Grid } from '../core/quantizer.ts';
import type { TraceSettings } from './trace.ts';
import type { TraceRecord } from './trace.ts';
import { admissibleIndices } from './precision.ts';

/** undefined: the trace does not decide it. */
export interface Verdict {
  /** Q_p(h) is all zero. */
  readonly zero: boolean | undefined;
  /** Count of non-zero components of Q_p(h), when known. */
  readonly nonZero: number | undefined;
  /** Sum of the grid integers of Q_p(h) (NaN outside the exact range), when known. */
  readonly sum: number | undefined;
}

/** Relative slack of max|h| against the half cell: inside it, a summary cannot decide. */
const SUMMARY_SLACK = 2 ** -20;

/** Q_p(h) of a record on `grid`: exact with the full h; from the sample and max|h| otherwise. */
export function quantizedStepVerdict(record: TraceRecord, grid: Grid, settings: TraceSettings): Verdict {
  const { mode, precision } = settings.header;
  const h = record.h;
  let sampledNonZero = 0;
  if (h) {
    let sum = 0;
    for (let i = 0; i < h.length; i++) {
      try {
        const [lo, hi] = admissibleIndices(h[i], grid, mode, precision);
        if (lo <= 0 && 0 <= hi) continue;
        sum += gridIndex(h[i], grid, mode);
      } catch (error) {
        if (!(error instanceof QuantizerRangeError)) throw error;
        sum = NaN; // |Q·h| >= 2^53: certainly not zero, and no exact sum
      }
      sampledNonZero += 1;
    }
    if (!record.components) return { zero: sampledNonZero === 0, nonZero: sampledNonZero, sum };
  }
  if (sampledNonZero > 0) return { zero: false, nonZero: undefined, sum: undefined };
  // round: Q_p(x) = 0 exactly for −½ cell ≤ x < ½ cell, so max|h| decides away from the half cell.
  if (record.maxAbsH !== undefined && mode === 'round') {
    const half = grid.cell / 2;
    if (record.maxAbsH < half * (1 - SUMMARY_SLACK)) return { zero: true, nonZero: 0, sum: 0 };
    if (record.maxAbsH > half * (1 + SUMMARY_SLACK)) return { zero: false, nonZero: undefined, sum: undefined };
  }
  return { zero: undefined, nonZero: undefined, sum: undefined };
}

/** The verdict on several tensors' steps together (granularity `all`). */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  let zero: boolean | undefined = true;
  let nonZero: number | undefined = 0;
  let sum: number | undefined = 0;
  for (const v of verdicts) {
    if (v.zero === false) zero = false;
    else if (v.zero === undefined && zero === true) zero = undefined;
    nonZero = nonZero === undefined || v.nonZero === undefined ? undefined : nonZero + v.nonZero;
    sum = sum === undefined || v.sum === undefined ? undefined : sum + v.sum;
  }
  return { zero, nonZero, sum };
}

/**
 * The applied step hq of a record vanished under the declared test: from the summaries (version
 * 2: nz, sumHq over the whole tensor) or the full hq (version 1). undefined: not decidable.
 */
export function appliedVanished(record: TraceRecord, settings: TraceSettings): boolean | undefined {
  const sumTest = settings.reading.test === 'sum';
  if (record.nz !== undefined) return record.nz === 0 || (sumTest && record.sumHq === 0);
  const hq = record.hq;
  if (!hq || hq.length === 0 || record.components) return undefined;
  let sum = 0;
  let nonZero = 0;
  for (let i = 0; i < hq.length; i++) {
    if (hq[i] !== 0) nonZero += 1;
    sum += hq[i];
  }
  return nonZero === 0 || (sumTest && sum === 0);
}
