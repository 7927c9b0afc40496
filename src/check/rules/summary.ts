/**
 * summary (version 2): a record's summaries agree with its vectors. The B.2a rules decide from nz,
 * sumHq and max|h| when vectors are sampled, so they must be what the implementation computed:
 * exactly nz and max|h| from full vectors; sumHq within the rounding of a float sum of n terms; from
 * a sample, nz at least the sampled non-zeros and max|h| at least the sampled maximum.
 */
import { scanStep } from '../scan.ts';
import { NOT_APPLICABLE, num, plural, type RuleDefinition } from './rule.ts';

export const summary: RuleDefinition = {
  id: 'summary',
  severity: 'error',
  spec: '§7 B.2a (trace v2)',
  summary: 'v2: nz, sumHq, max|h| agree with the vectors (exactly with full vectors, as bounds with a sample)',
  create: (settings) => {
    const eps = settings.header.precision === 'float64' ? 2 ** -52 : 2 ** -23;
    return (record, context) => {
      const { h, hq, nz, maxAbsH, sumHq } = record;
      if (nz === undefined || maxAbsH === undefined || sumHq === undefined || (!h && !hq)) return NOT_APPLICABLE;
      const full = !record.components;
      // The shared pass over the vectors (scan.ts): the counts in index order, as a loop here would.
      const scan = scanStep(record, context);
      if (hq) {
        const count = scan.nonZero!;
        const sum = scan.sum!;
        const magnitude = scan.magnitude!;
        if (full ? count !== nz : count > nz) {
          return { message: `nz = ${nz}, but hq holds ${plural(count, 'non-zero component')}${full ? '' : ' in the sample alone'}`, expected: full ? `nz = ${count}` : `nz >= ${count}`, found: `nz = ${nz}` };
        }
        // Any summation order of n terms is within n·eps·Σ|hq| of the exact sum (and of ours).
        if (full && Math.abs(sum - sumHq) > 2 * hq.length * eps * magnitude) {
          return { message: `sumHq = ${num(sumHq)}, but the components of hq sum to ${num(sum)}`, expected: `sumHq ≈ ${num(sum)}`, found: `sumHq = ${num(sumHq)}` };
        }
      }
      if (h) {
        const max = scan.maxAbsH!;
        if (full ? max !== maxAbsH : max > maxAbsH) {
          return { message: `maxAbsH = ${num(maxAbsH)}, but max |h| is ${num(max)}${full ? '' : ' in the sample alone'}`, expected: full ? `maxAbsH = ${num(max)}` : `maxAbsH >= ${num(max)}`, found: `maxAbsH = ${num(maxAbsH)}` };
        }
      }
      return undefined;
    };
  },
};
