/** p-max: the index never exceeds its cap (SPEC §6, §7). */
import type { RuleDefinition } from './rule.ts';

export const pMax: RuleDefinition = {
  id: 'p-max',
  severity: 'error',
  spec: '§6, §7',
  summary: 'p ≤ p_max',
  create: (settings) => (record) => {
    const cap = settings.header.pMax;
    if (record.p <= cap) return undefined;
    return { message: `p = ${record.p} exceeds p_max = ${cap}`, expected: `p <= ${cap}`, found: `p = ${record.p}` };
  },
};
