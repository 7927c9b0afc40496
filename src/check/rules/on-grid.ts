/**
 * on-grid: weights stay on the grid (SPEC §3: if w_0 ∈ G_{p(0)} and p never decreases, every w_t
 * lies on G_{p(t)}). The SPEC guarantees it only from a weight on the grid, and implementations
 * need not snap w_0 (the reference does not), so a component is tracked from the first record in
 * which it is on the grid; from then on it must stay on G_p. Records before any component is on
 * the grid are not counted as checked.
 */
import { QuantizerRangeError } from '../../core/quantizer.ts';
import { isGridValue, nearestIndex, quantizeAll } from '../precision.ts';
import { scanStep } from '../scan.ts';
import { component, more, NOT_APPLICABLE, num, type RuleDefinition } from './rule.ts';

export const onGrid: RuleDefinition = {
  id: 'on-grid',
  severity: 'error',
  spec: '§3 (eq. 5)',
  summary: 'a weight on the grid stays on G_p (tracked per component from the first record it is on the grid)',
  create: (settings) => {
    // Per tensor (version 2) and per vector layout (full or sampled): which components are on the grid.
    const state = new Map<string, { tracked: Uint8Array; count: number }>();
    const precision = settings.header.precision;
    return (record, context) => {
      const { grid } = context;
      const w = record.w;
      if (!w) return NOT_APPLICABLE;
      const key = `${record.tensor?.name ?? ''}\u0000${w.length}`;
      let entry = state.get(key);
      if (!entry) {
        entry = { tracked: new Uint8Array(w.length), count: 0 };
        state.set(key, entry);
      }
      const tracked = entry.tracked;
      let trackedCount = entry.count;
      const wasTracking = trackedCount > 0;
      let wrong = 0;
      let first = -1;
      if (precision === 'float64' && scanStep(record, context).onGrid === true) {
        // Every component on the grid (the shared pass): all tracked from now on, none left it.
        tracked.fill(1);
        entry.count = w.length;
        return wasTracking ? undefined : NOT_APPLICABLE;
      }
      // float64: on the grid iff w is its own nearest grid value (the core's batch quantizer, round mode).
      const nearest = precision === 'float64' ? quantizeAll(w, grid, 'round') : undefined;
      for (let i = 0; i < w.length; i++) {
        let on: boolean;
        if (nearest) on = nearest[i] === w[i];
        else {
          try {
            on = isGridValue(w[i], nearestIndex(w[i], grid), grid, precision);
          } catch (error) {
            if (!(error instanceof QuantizerRangeError)) throw error;
            on = false;
          }
        }
        if (on) {
          if (!tracked[i]) {
            tracked[i] = 1;
            trackedCount += 1;
          }
        } else if (tracked[i]) {
          wrong += 1;
          if (first < 0) first = i;
        }
      }
      entry.count = trackedCount;
      if (!wasTracking) return NOT_APPLICABLE;
      if (first < 0) return undefined;
      return {
        message: `w[${component(record, first)}] = ${num(w[first])} left the grid G_${record.p} (cell 1/Q_p = ${num(grid.cell)}) after being on it${more(wrong)}`,
        expected: `a multiple of 1/Q_${record.p}`,
        found: num(w[first]),
      };
    };
  },
};
