/**
 * SPEC §6–§7 (eqs. 10–12, Algorithm 1 with B.2a/B.2b) and the annealing condition of §5:
 * monotone Q, the p_max cap, the supremum/infimum of the index, T(t) ≥ C/ln(t+2), and
 * T_q(t)·ln(t+2) ≥ C/b² for the scheduler alone, which B.2a can break (a finding, found here).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annealingMargin,
  infimumIndex,
  logarithmicFloor,
  quantizationTemperature,
  targetTemperature,
  type ScheduleParams,
} from '../src/core/schedule.ts';
import { expectCaught, findCounterexample, holds, note, RUNS, scaledRuns, SEED } from './config.ts';
import { findAnnealingBreak, MARGIN_TOLERANCE } from './findings.ts';
import {
  coreScheduler,
  floorBoundScheduler,
  forgetfulScheduler,
  runAlgorithm,
  runSchedulerAlone,
  scheduleParamsArb,
  stepsArb,
  timesArb,
  uncappedScheduler,
  type SchedulerFactory,
} from './scheduler.props.ts';

/**
 * Float tolerance of the sup/inf comparison T/b² < κ/Q² ≤ T: T(t), p_inf(t) and κ/Q² are each a
 * few correctly rounded operations (pow, log, division) away from the reals, so a relative 2^-48
 * (16 ulps) covers them; any real violation is a whole factor b off. (It also passed 20000 runs
 * with no tolerance at all.)
 */
const REL = 2 ** -48;

const switchesArb = fc.record({ avoidVanishing: fc.boolean(), bound: fc.boolean() });

/** §7: p never decreases, never passes p_max, never drops below p_0 (any switches, any steps). */
function monotoneProperty(factory: SchedulerFactory, switches: fc.Arbitrary<{ avoidVanishing: boolean; bound: boolean }> = switchesArb) {
  return fc.property(scheduleParamsArb, switches, stepsArb, (params, sw, steps) => {
    let previous = params.p0;
    for (const r of runAlgorithm(factory, params, sw, steps)) {
      if (!(previous === r.before && r.before <= r.used && r.used <= r.after)) {
        throw new Error(`p decreased at t = ${r.t}: ${previous} → ${r.before} → ${r.used} → ${r.after}`);
      }
      if (r.after > params.pMax) throw new Error(`p = ${r.after} > p_max = ${params.pMax} at t = ${r.t}`);
      previous = r.after;
    }
  });
}

/** §6: wherever B.2b set p, p_inf ≤ p < p_inf + 1 and T/b² < κ/Q² ≤ T (relative tolerance REL). */
function checkSupInf(params: ScheduleParams, t: number, p: number): void {
  const pInf = infimumIndex(t, params);
  const T = targetTemperature(t, params);
  const Tq = quantizationTemperature(p, params);
  const b2 = params.base * params.base;
  if (!(pInf <= p && p < pInf + 1)) throw new Error(`t = ${t}: p = ${p} outside [p_inf, p_inf + 1) = [${pInf}, ${pInf + 1})`);
  if (!(Tq <= T * (1 + REL))) throw new Error(`t = ${t}: κ/Q² = ${Tq} > T = ${T}`);
  if (!(Tq > (T / b2) * (1 - REL))) throw new Error(`t = ${t}: κ/Q² = ${Tq} ≤ T/b² = ${T / b2}`);
}

function supInfProperty(factory: SchedulerFactory) {
  return fc.property(scheduleParamsArb, fc.boolean(), stepsArb, (params, avoidVanishing, steps) => {
    for (const r of runAlgorithm(factory, params, { avoidVanishing, bound: true }, steps)) {
      const target = Math.ceil(infimumIndex(r.t, params));
      if (r.after > r.used && target <= params.pMax) checkSupInf(params, r.t, r.after);
    }
  });
}

function supInfAloneProperty(factory: SchedulerFactory) {
  return fc.property(scheduleParamsArb, timesArb, (params, times) => {
    for (const r of runSchedulerAlone(factory, params, times)) {
      const target = Math.ceil(infimumIndex(r.t, params));
      if (r.after > r.before && target <= params.pMax) checkSupInf(params, r.t, r.after);
      if (r.after < Math.min(params.pMax, target)) throw new Error(`t = ${r.t}: p = ${r.after} below min(p_max, ⌈p_inf⌉) = ${Math.min(params.pMax, target)}`);
    }
  });
}

/** T_q(p0)·ln 2 ≥ C/b²: the initial index is not too fine at t = 0 (implied by p_0 ≤ ⌈p_inf(0)⌉). */
const initialIndexNotTooFine = (params: ScheduleParams) => annealingMargin(params.p0, 0, params) >= 1;

/** §5: the scheduler alone keeps T_q(t)·ln(t+2) ≥ C/b² at every t of any horizon. */
function annealingAloneProperty(withPrecondition: boolean) {
  return fc.property(scheduleParamsArb, timesArb, (params, times) => {
    if (withPrecondition) fc.pre(initialIndexNotTooFine(params));
    let used = params.p0; // the index the step at t runs with: p_0 at t = 0, then the last tick's
    for (const r of runSchedulerAlone(coreScheduler, params, times)) {
      for (const [p, label] of [[used, 'used by the step'], [r.after, 'after B.2b']] as const) {
        const margin = annealingMargin(p, r.t, params);
        if (!(margin >= 1 - MARGIN_TOLERANCE)) throw new Error(`t = ${r.t}: index ${p} (${label}) has T_q·ln(t+2)/(C/b²) = ${margin} < 1`);
      }
      used = r.after;
    }
  });
}

/** Hyperparameters where p_0 ≤ ⌈p_inf(0)⌉ (the simple form of the precondition). */
const paramsWithLowP0 = scheduleParamsArb.map((params) => ({
  ...params,
  p0: Math.min(params.p0, Math.ceil(infimumIndex(0, params))),
}));

describe('§6–§7 scheduler: monotone Q and the p_max cap', () => {
  it('§7 for any steps and any switches (B.2a, B.2b), Algorithm 1 never lowers p and never passes p_max', () => {
    holds(monotoneProperty(coreScheduler), RUNS);
  });

  it('§7 the full algorithm (B.2a and B.2b on) never lowers p and never passes p_max, also on runs of tiny steps', () => {
    holds(monotoneProperty(coreScheduler, fc.constant({ avoidVanishing: true, bound: true })), RUNS);
  });

  it('§7 the monotone property CATCHES a scheduler that forgets the p_max cap', () => {
    const found = findCounterexample('scheduler without the p_max cap', monotoneProperty(uncappedScheduler, fc.constant({ avoidVanishing: true, bound: true })));
    expectCaught(found);
  });

  it('§7 the monotone property CATCHES a scheduler that sets p = ⌈p_inf(t)⌉ (lets p decrease)', () => {
    const found = findCounterexample('scheduler p = ceil(p_inf) (no max with the previous p)', monotoneProperty(forgetfulScheduler, fc.constant({ avoidVanishing: true, bound: true })));
    expectCaught(found);
  });
});

describe('§6 scheduler within the supremum and infimum', () => {
  it('§6 where B.2b set p (full algorithm): p_inf ≤ p < p_inf + 1 and T/b² < κ/Q² ≤ T (relative tolerance 16 ulps for float rounding)', () => {
    holds(supInfProperty(coreScheduler), RUNS);
  });

  it('§6 scheduler alone over horizons up to 10^12: p ≥ min(p_max, ⌈p_inf(t)⌉), and where the bound set p, T/b² < κ/Q² ≤ T', () => {
    holds(supInfAloneProperty(coreScheduler), RUNS * 2);
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
    const found = findCounterexample('scheduler with floor(p_inf)', supInfAloneProperty(floorBoundScheduler));
    expectCaught(found);
  });
});

describe('§5 annealing condition T_q(t)·ln(t+2) ≥ C/b²', () => {
  it('§5 scheduler alone (B.2b on, B.2a off), any hyperparameters, any horizon up to 10^12: T_q(t)·ln(t+2) ≥ C/b², given T_q(p_0)·ln 2 ≥ C/b² (the initial index not too fine)', () => {
    holds(annealingAloneProperty(true), RUNS * 2);
  });

  it('§5 the same with the simpler sufficient precondition p_0 ≤ ⌈p_inf(0)⌉', () => {
    holds(
      fc.property(paramsWithLowP0, timesArb, (params, times) => {
        expect(initialIndexNotTooFine(params)).toBe(true);
        return runSchedulerAlone(coreScheduler, params, times).every((r) => annealingMargin(r.after, r.t, params) >= 1 - MARGIN_TOLERANCE);
      }),
      RUNS,
    );
  });

  it('§5 the precondition is needed: with an initial index that is too fine the scheduler alone breaks the condition (counterexample found)', () => {
    const found = findCounterexample('scheduler alone, p_0 too fine (no precondition)', annealingAloneProperty(false));
    expectCaught(found);
  });

  it('§7 finding: with B.2a on, tiny steps push p above p_inf + 1 and T_q(t)·ln(t+2) falls below C/b² (fast-check finds and shrinks it)', () => {
    const result = findAnnealingBreak({ seed: SEED, numRuns: scaledRuns(1, 50, 1000) });
    note(
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
    note(`[qle properties] §7 annealing break (any hyperparameters): ${fc.stringify({ params: result.params, steps: result.steps, step: result.step })}`);
    expect(result.found).toBe(true);
  });
});
