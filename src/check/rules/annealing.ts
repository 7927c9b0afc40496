/**
 * annealing (warning): the realised temperature T_q(t) = κ/Q_p² keeps T_q(t)·ln(t+2) ≥ C/b², the
 * floor the scheduler alone guarantees (SPEC §5, §6; core annealingMargin ≥ 1). A warning, not an
 * error: B.2a may legitimately push p above the bound and break it (SPEC §7), and the SPEC asks
 * that this be surfaced, never hidden.
 */
import { annealingMargin } from '../../core/schedule.ts';
import { num, type RuleDefinition } from './rule.ts';

export const annealing: RuleDefinition = {
  id: 'annealing',
  severity: 'warning',
  spec: '§5, §7',
  summary: 'T_q(t)·ln(t+2) ≥ C/b² with T_q = κ/Q_p² (annealing margin ≥ 1); B.2a may break it',
  create: (settings) => (record, { stepStart }) => {
    const margin = annealingMargin(record.p, record.t, settings.params);
    if (margin >= 1) return undefined;
    const byB2a = stepStart !== undefined && record.p > stepStart;
    return {
      message: `realised temperature below the logarithmic floor at t = ${record.t}, p = ${record.p}: margin ${num(margin)}${byB2a ? ' (B.2a raised p in this step: SPEC §7 allows it, the annealing bound is then not guaranteed)' : ''}`,
      expected: 'margin >= 1',
      found: `margin ${num(margin)}`,
    };
  },
};
