/**
 * SPEC §6–§7 (eqs. 10–12, Algorithm 1 with B.2a/B.2b) and the annealing condition of §5:
 * monotone Q, the p_max cap, the supremum/infimum of the index, T(t) ≥ C/ln(t+2), and
 * T_q(t)·ln(t+2) ≥ C/b² for the scheduler alone, which B.2a can break (a finding, found here).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annealingMargin, logarithmicFloor, targetTemperature } from '../src/core/schedule.ts';
import { expectCaught, findCounterexample, holds, RUNS, scaledRuns, SEED } from './config.ts';
import { findAnnealingBreak, MARGIN_TOLERANCE } from './findings.ts';
import {
  annealingAloneProperty,
  coreIndexSchedule,
  coreLearner,
  floorBoundIndexSchedule,
  forgetfulLearner,
  initialIndexNotTooFine,
  monotoneProperty,
  paramsWithLowP0,
  runSchedulerAlone,
  scheduleParamsArb,
  supInfAloneProperty,
  supInfProperty,
  timesArb,
  uncappedLearner,
} from './scheduler.props.ts';

describe('§6–§7 scheduler: monotone Q and the p_max cap', () => {
  it('§7 for any steps and any switches (B.2a, B.2b), Algorithm 1 never lowers p and never passes p_max', () => {
    holds(monotoneProperty(coreLearner), RUNS);
  });

  it('§7 the full algorithm (B.2a and B.2b on) never lowers p and never passes p_max, also on runs of tiny steps', () => {
    holds(monotoneProperty(coreLearner, fc.constant({ avoidVanishing: true, bound: true })), RUNS);
  });

  it('§7 the monotone property CATCHES a scheduler that forgets the p_max cap', () => {
    const found = findCounterexample('scheduler without the p_max cap', monotoneProperty(uncappedLearner, fc.constant({ avoidVanishing: true, bound: true })));
    expectCaught(found);
  });

  it('§7 the monotone property CATCHES a scheduler that sets p = ⌈p_inf(t)⌉ (lets p decrease)', () => {
    const found = findCounterexample('scheduler p = ceil(p_inf) (no max with the previous p)', monotoneProperty(forgetfulLearner, fc.constant({ avoidVanishing: true, bound: true })));
    expectCaught(found);
  });
});

describe('§6 scheduler within the supremum and infimum', () => {
  it('§6 where B.2b set p (full algorithm): p_inf ≤ p < p_inf + 1 and T/b² < κ/Q² ≤ T (relative tolerance 16 ulps for float rounding)', () => {
    holds(supInfProperty(coreLearner), RUNS);
  });

  it('§6 scheduler alone over horizons up to 10^12: p ≥ min(p_max, ⌈p_inf(t)⌉), and where the bound set p, T/b² < κ/Q² ≤ T', () => {
    holds(supInfAloneProperty(coreIndexSchedule), RUNS * 2);
  });

  it('§6 T(t) = b^{2β/(t+2)}·C/ln(t+2) ≥ C/ln(t+2) for every t ≥ 0 and every hyperparameter (exact float comparison)', () => {
    holds(
      fc.property(scheduleParamsArb, fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeInteger().map(Math.abs)), (params, t) =>
        targetTemperature(t, params) >= logarithmicFloor(t, params.C),
      ),
      RUNS * 5,
    );
  });

  it('§6 the sup/inf property CATCHES a scheduler that rounds p_inf down', () => {
    const found = findCounterexample('scheduler with floor(p_inf)', supInfAloneProperty(floorBoundIndexSchedule));
    expectCaught(found);
  });
});

describe('§5 annealing condition T_q(t)·ln(t+2) ≥ C/b²', () => {
  it('§5 scheduler alone (B.2b on, B.2a off), any hyperparameters, any horizon up to 10^12: T_q(t)·ln(t+2) ≥ C/b², given T_q(p_0)·ln 2 ≥ C/b² (the initial index not too fine)', () => {
    holds(annealingAloneProperty(coreIndexSchedule, true), RUNS * 2);
  });

  it('§5 the same with the simpler sufficient precondition p_0 ≤ ⌈p_inf(0)⌉', () => {
    holds(
      fc.property(paramsWithLowP0, timesArb, (params, times) => {
        expect(initialIndexNotTooFine(params)).toBe(true);
        return runSchedulerAlone(coreIndexSchedule, params, times).every((r) => annealingMargin(r.after, r.t, params) >= 1 - MARGIN_TOLERANCE);
      }),
      RUNS,
    );
  });

  it('§5 the precondition is needed: with an initial index that is too fine the scheduler alone breaks the condition (counterexample found)', () => {
    const found = findCounterexample('scheduler alone, p_0 too fine (no precondition)', annealingAloneProperty(coreIndexSchedule, false));
    expectCaught(found);
  });

  it('§7 finding: with B.2a on, tiny steps push p above p_inf + 1 and T_q(t)·ln(t+2) falls below C/b² (fast-check finds and shrinks it)', () => {
    const result = findAnnealingBreak({ seed: SEED, numRuns: scaledRuns(1, 50, 1000) });
    console.log(
      `[qle properties] §7 annealing break with B.2a: found = ${result.found}; shrunk counterexample: ` +
        `${fc.stringify({ params: result.params, steps: result.steps })}\n  first breaking step: ${fc.stringify(result.step)}`,
    );
    expect(result.found).toBe(true);
    expect(result.step).not.toBeNull();
    expect(result.step!.margin).toBeLessThan(1);
    expect(result.step!.used).toBeGreaterThan(result.step!.pInf + 1);
    expect(result.step!.used).toBeGreaterThan(result.step!.before); // B.2a raised it
  });

  it('§7 finding over any hyperparameters, not just the reference ones', () => {
    const result = findAnnealingBreak({ seed: SEED, numRuns: scaledRuns(1, 50, 1000), anyParams: true });
    console.log(`[qle properties] §7 annealing break (any hyperparameters): ${fc.stringify({ params: result.params, steps: result.steps, step: result.step })}`);
    expect(result.found).toBe(true);
  });
});
