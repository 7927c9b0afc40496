/** clock: records are consecutive steps; t advances by one per step (time unit step) or by zero or one (epoch) (SPEC §6). */
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

export const clock: RuleDefinition = {
  id: 'clock',
  severity: 'error',
  spec: '§6',
  summary: 't advances by 1 per record (time unit step) or by 0 or 1 (epoch): every step recorded, in order',
  create: (settings) => (record, { previous }) => {
    if (!previous) return NOT_APPLICABLE;
    const epoch = settings.header.timeUnit === 'epoch';
    const advance = record.t - previous.t;
    if (epoch ? advance === 0 || advance === 1 : advance === 1) return undefined;
    return {
      message: `t jumped from ${previous.t} to ${record.t} (time unit ${settings.header.timeUnit}): steps missing, repeated or out of order`,
      expected: epoch ? `t in {${previous.t}, ${previous.t + 1}}` : `t = ${previous.t + 1}`,
      found: `t = ${record.t}`,
    };
  },
};
