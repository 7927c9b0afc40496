/**
 * p-bound: with B.2b on, the step at time t uses p ≥ min(p_max, ⌈p_inf(t−1)⌉) (SPEC §6 eq. 11,
 * §7). B.2b runs after the step at t−1 (Algorithm 1's order, core Scheduler.tick), so the bound of
 * time t−1 is what the step at t must respect; the steps at t = 0 start from p_0 unconstrained.
 */
import { boundTarget, infimumIndex } from '../../core/schedule.ts';
import { NOT_APPLICABLE, num, type RuleDefinition } from './rule.ts';

export const pBound: RuleDefinition = {
  id: 'p-bound',
  severity: 'error',
  spec: '§6 (eq. 11), §7 B.2b',
  summary: 'with B.2b: the step at time t ≥ 1 uses p ≥ min(p_max, ⌈p_inf(t−1)⌉)',
  create: (settings) => (record) => {
    if (!settings.header.b2b || record.t < 1) return NOT_APPLICABLE;
    const target = boundTarget(record.t - 1, settings.params);
    if (record.p >= target) return undefined;
    return {
      message: `p = ${record.p} at t = ${record.t} is below the B.2b bound of t − 1 = ${record.t - 1} (p_inf = ${num(infimumIndex(record.t - 1, settings.params))})`,
      expected: `p >= ${target}`,
      found: `p = ${record.p}`,
    };
  },
};
