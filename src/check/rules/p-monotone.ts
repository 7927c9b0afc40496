/** p-monotone: the index never decreases (SPEC §6, eq. 10). */
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

export const pMonotone: RuleDefinition = {
  id: 'p-monotone',
  severity: 'error',
  spec: '§6 (eq. 10)',
  summary: 'p never decreases from one step to the next',
  create: () => (record, { previous }) => {
    if (!previous) return NOT_APPLICABLE;
    if (record.p >= previous.p) return undefined;
    return { message: `p fell from ${previous.p} to ${record.p}`, expected: `p >= ${previous.p}`, found: `p = ${record.p}` };
  },
};
