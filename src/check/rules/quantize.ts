/** quantize: hq = Q_p(h) component by component, exactly in float64, float32-aware otherwise (SPEC §1, eq. 1; §7). */
import { QuantizerRangeError } from '../../core/quantizer.ts';
import { admissibleIndices, expectedValue, isGridValue } from '../precision.ts';
import { matchesCore } from '../scan.ts';
import { component, more, NOT_APPLICABLE, num, type RuleDefinition } from './rule.ts';

export const quantize: RuleDefinition = {
  id: 'quantize',
  severity: 'error',
  spec: '§1, §7',
  summary: 'hq = Q_p(h): exactly the core quantizer in float64; within float32 rounding when float32 is declared',
  create: (settings) => (record, context) => {
    const { grid } = context;
    const { h, hq } = record;
    if (!h || !hq) return NOT_APPLICABLE;
    const { mode, precision } = settings.header;
    // Fast path: the core's batch quantizer; only a mismatch goes through the per-component path below.
    if (precision === 'float64' && matchesCore(record, context)) return undefined;
    let wrong = 0;
    let first: { i: number; expected: string } | undefined;
    for (let i = 0; i < h.length; i++) {
      let expected: string | undefined;
      try {
        const [lo, hi] = admissibleIndices(h[i], grid, mode, precision);
        let ok = false;
        for (let k = lo; k <= hi && !ok; k++) ok = isGridValue(hq[i], k, grid, precision);
        if (!ok) expected = lo === hi ? num(expectedValue(lo, grid, precision)) : `one of ${[...Array(hi - lo + 1).keys()].map((j) => num(expectedValue(lo + j, grid, precision))).join(', ')}`;
      } catch (error) {
        if (!(error instanceof QuantizerRangeError)) throw error;
        expected = `an error: |Q_p·h| >= 2^53 leaves the exact range`;
      }
      if (expected !== undefined) {
        wrong += 1;
        if (!first) first = { i, expected };
      }
    }
    if (!first) return undefined;
    const c = component(record, first.i);
    return {
      message: `hq[${c}] is not Q_${record.p}(h[${c}]) for h[${c}] = ${num(h[first.i])} (${mode}, Q_p = ${num(grid.Q)})${more(wrong)}`,
      expected: first.expected,
      found: num(hq[first.i]),
    };
  },
};
