/**
 * error-bound: the quantization error stays within one cell as SPEC §1 bounds it: round
 * e = hq − h ∈ (−1/(2Q_p), 1/(2Q_p)], floor r = h − hq ∈ [0, 1/Q_p). Checked in floating point
 * with a tolerance of a few ulps of the declared precision (the exact statement is `quantize`);
 * this rule says by how much, in cells, an implementation misses.
 */
import { FLOAT32_PRODUCT_SLACK } from '../precision.ts';
import { matchesCore } from '../scan.ts';
import { component, more, NOT_APPLICABLE, num, type RuleDefinition } from './rule.ts';

export const errorBound: RuleDefinition = {
  id: 'error-bound',
  severity: 'error',
  spec: '§1',
  summary: 'round: hq − h ∈ (−½, ½] cell; floor: h − hq ∈ [0, 1) cell (1 cell = 1/Q_p), to a few ulps',
  create: (settings) => {
    const { mode, precision } = settings.header;
    const relative = precision === 'float64' ? 2 ** -50 : 4 * FLOAT32_PRODUCT_SLACK;
    const [low, high] = mode === 'round' ? [-0.5, 0.5] : [0, 1];
    return (record, context) => {
      const { grid } = context;
      const { h, hq } = record;
      if (!h || !hq) return NOT_APPLICABLE;
      // hq exactly the core's Q_p(h): within the bound by the core quantizer's contract (SPEC §1).
      if (precision === 'float64' && matchesCore(record, context)) return undefined;
      const cell = grid.cell;
      let wrong = 0;
      let first = -1;
      let firstCells = 0;
      for (let i = 0; i < h.length; i++) {
        const error = mode === 'round' ? hq[i] - h[i] : h[i] - hq[i];
        const tolerance = relative * Math.max(Math.abs(h[i]), Math.abs(hq[i]), cell);
        // round: (−½, ½] cell; floor: [0, 1) cell; each widened by the tolerance.
        const outside =
          mode === 'round'
            ? error <= low * cell - tolerance || error > high * cell + tolerance
            : error < low * cell - tolerance || error >= high * cell + tolerance;
        if (outside) {
          wrong += 1;
          if (first < 0) {
            first = i;
            firstCells = error / cell;
          }
        }
      }
      if (first < 0) return undefined;
      const what = mode === 'round' ? 'hq − h' : 'h − hq';
      return {
        message: `component ${component(record, first)}: ${what} = ${num(firstCells)} cells of 1/Q_${record.p}, outside the ${mode} bound${more(wrong)}`,
        expected: mode === 'round' ? `${what} in (−0.5, 0.5] cells` : `${what} in [0, 1) cells`,
        found: `${num(firstCells)} cells`,
      };
    };
  },
};
