/** b2a-missed: with B.2a on, an applied step is never all zero while p < p_max (SPEC §7 B.2a). */
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

export const b2aMissed: RuleDefinition = {
  id: 'b2a-missed',
  severity: 'error',
  spec: '§7 B.2a',
  summary: 'with B.2a: hq is never all zero while p < p_max (the step would vanish)',
  create: (settings) => (record) => {
    const hq = record.hq;
    if (!settings.header.b2a || !hq || hq.length === 0 || record.p >= settings.header.pMax) return NOT_APPLICABLE;
    for (let i = 0; i < hq.length; i++) if (hq[i] !== 0) return undefined;
    return {
      message: `the step vanished (hq all zero) at p = ${record.p} < p_max = ${settings.header.pMax}, but B.2a did not raise p`,
      expected: 'a non-zero hq, p raised by B.2a',
      found: `hq all zero at p = ${record.p}`,
    };
  },
};
