/**
 * b2a-all-zero: p rises within a step (above what the previous step's B.2b left it at) only by
 * B.2a, and B.2a raises only while the quantized step is ALL zero (SPEC §7). A raise to p means
 * Q_{p−1}(h) was all zero (and then so was every coarser grid: the zero cell shrinks as p grows).
 *
 * The reference implementation tests `sum(dQ) == 0`, also true for a non-zero step whose
 * components cancel; such a raise gets its own message. An implementation that runs that test
 * after the step (raising p for the next one) shows a different signature: an unjustified rise
 * right after a step whose hq cancels; the message then names the previous step too.
 */
import { gridIndex, makeGrid, QuantizerRangeError } from '../../core/quantizer.ts';
import { admissibleIndices, nearestIndex } from '../precision.ts';
import type { TraceRecord, TraceSettings } from '../trace.ts';
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

/** Count of non-zero components of a quantized step on G_p, and whether their grid integers sum to 0. */
function cancellation(values: readonly number[], p: number, settings: TraceSettings): { nonZero: number; sumsToZero: boolean } {
  const grid = makeGrid(settings.header.eta, settings.header.base, p);
  let nonZero = 0;
  let sum = 0;
  for (const value of values) {
    if (value === 0) continue;
    nonZero += 1;
    try {
      sum += nearestIndex(value, grid);
    } catch {
      sum = NaN;
    }
  }
  return { nonZero, sumsToZero: sum === 0 };
}

/** A hint when the previous step's hq cancels: the signature of a sum test run after the step. */
function lazyHint(previous: TraceRecord | undefined, settings: TraceSettings): string {
  if (!previous?.hq) return '';
  const { nonZero, sumsToZero } = cancellation(previous.hq, previous.p, settings);
  if (nonZero === 0 || !sumsToZero) return '';
  return `; the previous step's hq (line ${previous.line}, p = ${previous.p}) has ${nonZero} non-zero components that sum to 0: a sum(hq) == 0 vanishing test run after the step? B.2a must test "all components zero" and re-quantize within the step (SPEC §7)`;
}

export const b2aAllZero: RuleDefinition = {
  id: 'b2a-all-zero',
  severity: 'error',
  spec: '§7 B.2a',
  summary: 'p rises within a step only by B.2a, and only when Q_p(h) was all zero (not merely summing to 0)',
  create: (settings) => (record, { stepStart, previous }) => {
    if (stepStart === undefined || record.p <= stepStart) return stepStart === undefined ? NOT_APPLICABLE : undefined;
    const { eta, base, mode, precision, b2a } = settings.header;
    const rise = `p rose from ${stepStart} to ${record.p} within the step at t = ${record.t}`;
    if (!b2a) {
      return {
        message: `${rise}, but B.2a is off and the previous step's B.2b leaves p = ${stepStart}${lazyHint(previous, settings)}`,
        expected: `p = ${stepStart}`,
        found: `p = ${record.p}`,
      };
    }
    const h = record.h;
    if (!h) return NOT_APPLICABLE;
    const below = record.p - 1;
    const grid = makeGrid(eta, base, below);
    let nonZero = 0;
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
      nonZero += 1;
    }
    if (nonZero === 0) return undefined;
    if (sum === 0) {
      return {
        message: `${rise} by B.2a, but Q_${below}(h) has ${nonZero} non-zero components that sum to 0: the vanishing test must be "all components zero", not sum(hq) == 0 (SPEC §7)`,
        expected: `p = ${below} (Q_${below}(h) is not all zero)`,
        found: `p = ${record.p}`,
      };
    }
    return {
      message: `${rise} by B.2a, but Q_${below}(h) has ${nonZero} non-zero components: B.2a raises p only while the quantized step is all zero${lazyHint(previous, settings)}`,
      expected: `p <= ${below}`,
      found: `p = ${record.p}`,
    };
  },
};
