/** p-max: the index never exceeds its cap (SPEC §6, §7). */
import { raiseCeiling } from '../../core/reading.ts';
import type { RuleDefinition } from './rule.ts';

export const pMax: RuleDefinition = {
  id: 'p-max',
  severity: 'error',
  spec: '§6, §7',
  summary: 'p ≤ p_max (p_max + 1 when the declared cap is the reference\'s, B.2a raising while p ≤ p_max)',
  create: (settings) => (record) => {
    const { pMax } = settings.header;
    const cap = raiseCeiling(settings.reading.cap, pMax);
    if (record.p <= cap) return undefined;
    const why = settings.reading.cap === 'strict' ? ' (declared cap strict: B.2a raises only while p < p_max; a loop "while p <= p_max" overshoots by one)' : '';
    return { message: `p = ${record.p} exceeds ${cap === pMax ? `p_max = ${pMax}` : `p_max + 1 = ${cap}`}${why}`, expected: `p <= ${cap}`, found: `p = ${record.p}` };
  },
};
