/** p-monotone: the index never decreases (SPEC §6, eq. 10). */
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

export const pMonotone: RuleDefinition = {
  id: 'p-monotone',
  severity: 'error',
  spec: '§6 (eq. 10)',
  summary: 'p never decreases from one step to the next',
  create: () => (record, { indexBefore }) => {
    if (indexBefore === undefined) return NOT_APPLICABLE;
    if (record.p >= indexBefore) return undefined;
    return { message: `p fell from ${indexBefore} to ${record.p}`, expected: `p >= ${indexBefore}`, found: `p = ${record.p}` };
  },
};
