/**
 * update: the weights move by exactly the quantized step, w_t = w_{t−1} + hq_t (SPEC §3, eq. 5).
 * float64: the double sum (on a non-binary grid the core also accepts the sum snapped back to its
 * grid point, core quantizedStep); float32: the float32 sum, to one ulp.
 */
import { gridValue, QuantizerRangeError, type Grid } from '../../core/quantizer.ts';
import { nearestIndex, sameAtPrecision } from '../precision.ts';
import { scanStep } from '../scan.ts';
import { component, more, NOT_APPLICABLE, num, type RuleDefinition } from './rule.ts';
import type { TraceRecord } from '../trace.ts';

/** w equals the sum snapped back to its grid point (core quantizedStep on non-binary grids). */
function snappedEquals(w: number, sum: number, grid: Grid): boolean {
  try {
    return w === gridValue(nearestIndex(sum, grid), grid);
  } catch (error) {
    if (error instanceof QuantizerRangeError) return false;
    throw error;
  }
}

/** The previous record's w at the components this record holds, or undefined when it lacks them. */
function alignedBefore(record: TraceRecord, previous: TraceRecord | undefined): ArrayLike<number> | undefined {
  const before = previous?.w;
  const w = record.w;
  if (!before || !w) return undefined;
  if (record.components === previous!.components) return before.length === w.length ? before : undefined;
  if (previous!.components || !record.components) return undefined;
  // A full previous vector and a sampled one: pick the sampled components.
  const picked = new Float64Array(record.components.length);
  for (let j = 0; j < picked.length; j++) picked[j] = before[record.components[j]];
  return picked;
}

export const update: RuleDefinition = {
  id: 'update',
  severity: 'error',
  spec: '§3 (eq. 5)',
  summary: 'w_t = w_{t−1} + hq_t (the applied step is the quantized one)',
  create: (settings) => {
    const precision = settings.header.precision;
    return (record, context) => {
      const { previous, grid } = context;
      const { w, hq } = record;
      const before = alignedBefore(record, previous);
      if (!w || !hq || !before) return NOT_APPLICABLE;
      if (precision === 'float64') {
        // Fast path: every component the exact double sum (decided by the shared pass when the
        // records hold the same components); anything else takes the loop below.
        let exact = scanStep(record, context).sumsExactly;
        if (exact === undefined) {
          exact = true;
          for (let i = 0; i < w.length && exact; i++) exact = w[i] === before[i] + hq[i];
        }
        if (exact) return undefined;
      }
      let wrong = 0;
      let first = -1;
      let firstExpected = 0;
      for (let i = 0; i < w.length; i++) {
        const sum = before[i] + hq[i];
        const expected = precision === 'float32' ? Math.fround(sum) : sum;
        if (sameAtPrecision(w[i], expected, precision)) continue;
        if (!grid.binary && snappedEquals(w[i], sum, grid)) continue;
        wrong += 1;
        if (first < 0) {
          first = i;
          firstExpected = expected;
        }
      }
      if (first < 0) return undefined;
      const c = component(record, first);
      return {
        message: `w[${c}] is not w[${c}] of the previous step (${num(before[first])}) plus hq[${c}] (${num(hq[first])})${more(wrong)}`,
        expected: num(firstExpected),
        found: num(w[first]),
      };
    };
  },
};
