/**
 * b2a-missed: with B.2a on, an applied step never vanishes (under the declared test, for the
 * declared granularity) while p is below the declared cap (SPEC §7 B.2a).
 */
import { raiseCeiling } from '../../core/reading.ts';
import { appliedVanished } from '../vanishing.ts';
import { NOT_APPLICABLE, type RuleDefinition } from './rule.ts';

export const b2aMissed: RuleDefinition = {
  id: 'b2a-missed',
  severity: 'error',
  spec: '§7 B.2a',
  summary: 'with B.2a: the applied step (tensor or whole step, as declared) never vanishes while p is below the cap',
  create: (settings) => {
    const reading = settings.reading;
    const ceiling = raiseCeiling(reading.cap, settings.header.pMax);
    const what = reading.test === 'sum' ? 'sum(hq) == 0' : 'hq all zero';
    const wholeStep = settings.tensors !== undefined && reading.granularity === 'all';
    let step: { t: number; vanished: boolean | undefined; first: boolean } | undefined;
    return (record, { first }) => {
      if (!wholeStep) {
        if (!settings.header.b2a || record.p >= ceiling || (first && !reading.b2aOnFirstStep)) return NOT_APPLICABLE;
        const vanished = appliedVanished(record, settings);
        if (vanished === undefined) return NOT_APPLICABLE;
        if (!vanished) return undefined;
        const scope = record.tensor ? "this tensor's step" : 'the step';
        return {
          message: `${scope} vanished (${what}) at p = ${record.p} below the cap ${ceiling}, but B.2a did not raise p`,
          expected: 'a non-vanishing step, p raised by B.2a',
          found: `${what} at p = ${record.p}`,
        };
      }
      const mine = appliedVanished(record, settings);
      if (record.tensor!.position === 0) step = { t: record.t, vanished: true, first: first ?? false };
      if (!step || step.t !== record.t) return NOT_APPLICABLE;
      // Under the all-zero test the step vanishes iff every tensor's does; the sum test sums the whole step.
      if (mine === false || step.vanished === false) step.vanished = false;
      else if (mine === undefined) step.vanished = undefined;
      if (record.tensor!.name !== settings.lastTensor) return NOT_APPLICABLE;
      const done = step;
      step = undefined;
      if (!settings.header.b2a || record.p >= ceiling || (done.first && !reading.b2aOnFirstStep)) return NOT_APPLICABLE;
      if (reading.test === 'sum') return NOT_APPLICABLE; // sums of per-tensor float sums are not the step's float sum
      if (done.vanished === undefined) return NOT_APPLICABLE;
      if (!done.vanished) return undefined;
      return {
        message: `the whole step (all tensors) vanished (hq all zero) at p = ${record.p} below the cap ${ceiling}, but B.2a did not raise p`,
        expected: 'a non-vanishing step, p raised by B.2a',
        found: `hq all zero at p = ${record.p}`,
      };
    };
  },
};
