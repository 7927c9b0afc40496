/**
 * The scheduler properties of SPEC §5–§7 as builders over the implementation under test: a learner
 * (Algorithm 1 with steps) or the index schedule alone (B.2b, no steps). The vitest suites run them
 * against the core and deliberately broken schedulers; the conformance kit (src/conformance) runs
 * the same builders against a user's implementation. Also the generators and the drivers.
 */
import fc from 'fast-check';
import { Learner, vectorLayout } from '../src/core/learner.ts';
import { makeGrid, type Grid, type QuantMode } from '../src/core/quantizer.ts';
import { READINGS, type CapRule } from '../src/core/reading.ts';
import {
  annealingMargin,
  boundTarget,
  infimumIndex,
  quantizationTemperature,
  Scheduler,
  targetTemperature,
  type AlgorithmSwitches,
  type ScheduleParams,
} from '../src/core/schedule.ts';

/** log2 Q_pMax stays ≤ 40 and steps stay ≤ 2^10, so Q·d < 2^50: inside the quantizer's range. */
const MAX_LOG2_Q = 40;

const logUniform = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map((u) => 10 ** u);

/** Any hyperparameters of SPEC §6 (b, η, C, β, κ, p_0, p_max) within the quantizer's range. */
export const scheduleParamsArb: fc.Arbitrary<ScheduleParams> = fc
  .record({
    base: fc.integer({ min: 2, max: 10 }),
    eta: fc.integer({ min: 1, max: 5 }),
    C: logUniform(-9, 1),
    beta: fc.oneof(fc.constant(0), fc.constant(20), fc.double({ min: 0, max: 40, noNaN: true })),
    kappa: fc.oneof(fc.constant(64 / 24), logUniform(-3, 3)),
    p0: fc.integer({ min: -10, max: 12 }),
    span: fc.integer({ min: 0, max: 40 }),
  })
  .map(({ span, ...rest }) => {
    const maxP = Math.floor((MAX_LOG2_Q - Math.log2(rest.eta)) / Math.log2(rest.base));
    const p0 = Math.min(rest.p0, maxP);
    return { ...rest, p0, pMax: Math.min(p0 + span, maxP) };
  });

/** The same on the binary grid of the reference (b = 2, η = 1): every index stays in range. */
export const binaryScheduleParamsArb: fc.Arbitrary<ScheduleParams> = scheduleParamsArb.map((params) => ({ ...params, base: 2, eta: 1 }));

/** One step's direction vector (h, with λ = 1): zeros, tiny (vanishing) and ordinary magnitudes. */
const magnitudeArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -60, max: 10 }).chain((e) => fc.double({ min: 1, max: 2, noNaN: true, maxExcluded: true }).map((m) => m * 2 ** e)),
);
export const stepArb = fc.array(fc.tuple(fc.boolean(), magnitudeArb).map(([neg, m]) => (neg ? -m : m)), { minLength: 1, maxLength: 3 });
export const stepsArb = fc.array(stepArb, { minLength: 1, maxLength: 60 });
/** Steps that are all tiny: what makes B.2a push the index up. */
export const tinyStepsArb = fc.array(
  fc.array(fc.integer({ min: -45, max: -8 }).map((e) => 2 ** e), { minLength: 1, maxLength: 2 }),
  { minLength: 1, maxLength: 30 },
);

/** What happened to the index in one step of Algorithm 1. */
export interface StepRecord {
  /** The clock t of this step (before the tick). */
  readonly t: number;
  /** Index at the start of the step. */
  readonly before: number;
  /** Index the step was quantized with (after B.2a). */
  readonly used: number;
  /** Index after B.2b and the tick. */
  readonly after: number;
}

/** A core-shaped scheduler (the core's, or a broken subclass) for given hyperparameters and switches. */
export type SchedulerFactory = (params: ScheduleParams, switches: AlgorithmSwitches, cap?: CapRule) => ProbeScheduler;

/** The core Scheduler, plus a way for the drivers below to jump the clock (the core has none on purpose). */
export class ProbeScheduler extends Scheduler {
  jumpTo(t: number): void {
    this.time = t;
  }
}

export const coreScheduler: SchedulerFactory = (params, switches, cap = 'strict') => new ProbeScheduler(params, switches, 'step', 1, cap);

/** What a learner under test is built for: hyperparameters, switches, mode, λ and the number of weights. */
export interface LearnerSetup {
  readonly params: ScheduleParams;
  readonly switches: AlgorithmSwitches;
  readonly mode: QuantMode;
  /** λ, the learning rate. */
  readonly lambda: number;
  /** The number of weights of w (one vector, SPEC §7's reading of w as a whole). */
  readonly dims: number;
}

/**
 * What the Algorithm 1 properties need of an implementation (SPEC §3, §7): a learner that owns
 * its index, steps w in place and says which index each step was quantized with.
 */
export interface LearnerUnderTest {
  /** The index p the next step quantizes with. */
  readonly p: number;
  /**
   * One step: w ← w + Q_p(−λ·h) with B.2a (raise p while the quantized step is all zero, up to
   * p_max, when switched on), then B.2b (when on) and the clock t ← t + 1. Returns the index the
   * step was quantized with (after B.2a, before B.2b).
   */
  step(w: Float64Array, h: Float64Array): number;
}

/** A fresh learner; time runs per step from t = 0, p from p_0; the caller puts w_0 on G_{p_0}. */
export type LearnerFactory = (setup: LearnerSetup) => LearnerUnderTest;

/** A core Learner (the paper's reading, one vector, weights on the grid) over a core-shaped scheduler. */
export function coreLearnerOver(factory: SchedulerFactory, setup: LearnerSetup): { learner: Learner; scheduler: ProbeScheduler } {
  const { params, switches, mode, lambda, dims } = setup;
  let scheduler!: ProbeScheduler;
  const learner = new Learner({
    direction: 'sgd',
    learningRate: lambda,
    quantization: { reading: { ...READINGS.paper, mode }, schedule: params, b2a: switches.avoidVanishing, b2b: switches.bound, clock: 'step', weightsOnGrid: true },
    tensors: vectorLayout(dims),
    makeScheduler: (p, s, _clock, _count, cap) => {
      scheduler = factory(p, s, cap);
      return scheduler;
    },
  });
  return { learner, scheduler };
}

/** The learner under test made of the core Learner over a core-shaped scheduler (the core's, or a broken one). */
export function learnerOf(factory: SchedulerFactory): LearnerFactory {
  return (setup) => {
    const { learner, scheduler } = coreLearnerOver(factory, setup);
    return {
      get p() {
        return scheduler.index(0);
      },
      step: (w, h) => learner.step(w, h).tensorIndex[0],
    };
  };
}

export const coreLearner: LearnerFactory = learnerOf(coreScheduler);

/**
 * What the scheduler-alone properties need (SPEC §6): the index under B.2b only, no steps. Times
 * only grow, with jumps (horizons up to 10^12 are not ticked through one by one).
 */
export interface IndexScheduleUnderTest {
  /** The index p now. */
  readonly p: number;
  /** B.2b at time t: p ← min(p_max, max(p, ⌈p_inf(t)⌉)). */
  boundAt(t: number): void;
}

export type IndexScheduleFactory = (params: ScheduleParams) => IndexScheduleUnderTest;

/**
 * The scheduler alone from a core-shaped scheduler. Ticks are skipped between times; without B.2a
 * that changes nothing, because p_inf(t) is non-decreasing and so
 * p(t) = min(p_max, max(p_0, ⌈p_inf(t)⌉)) depends on t alone.
 */
export function indexScheduleOf(factory: SchedulerFactory): IndexScheduleFactory {
  return (params) => {
    const scheduler = factory(params, { avoidVanishing: false, bound: true });
    return {
      get p() {
        return scheduler.index(0);
      },
      boundAt(t) {
        scheduler.jumpTo(t);
        scheduler.tick();
      },
    };
  };
}

export const coreIndexSchedule: IndexScheduleFactory = indexScheduleOf(coreScheduler);

/** Run Algorithm 1 (SPEC §7) on the given steps (h with λ = 1, w from 0) and record the index. */
export function runAlgorithm(
  factory: LearnerFactory,
  params: ScheduleParams,
  switches: AlgorithmSwitches,
  steps: readonly (readonly number[])[],
  mode: QuantMode = 'round',
): StepRecord[] {
  const dims = Math.max(...steps.map((s) => s.length));
  const learner = factory({ params, switches, mode, lambda: 1, dims });
  const w = new Float64Array(dims);
  const h = new Float64Array(dims);
  const records: StepRecord[] = [];
  for (const [t, step] of steps.entries()) {
    h.fill(0);
    h.set(step);
    const before = learner.p;
    const used = learner.step(w, h);
    records.push({ t, before, used, after: learner.p });
  }
  return records;
}

/** The scheduler alone (B.2b on, no steps): the index before and after B.2b at each of the given times. */
export function runSchedulerAlone(factory: IndexScheduleFactory, params: ScheduleParams, times: readonly number[]): { t: number; before: number; after: number }[] {
  const schedule = factory(params);
  const out: { t: number; before: number; after: number }[] = [];
  for (const t of times) {
    const before = schedule.p;
    schedule.boundAt(t);
    out.push({ t, before, after: schedule.p });
  }
  return out;
}

/** Horizons: the first steps one by one, then jumps up to 10^12. */
export const timesArb = fc
  .array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 10 ** 9 })), { minLength: 1, maxLength: 60 })
  .map((jumps) => {
    const times = [0];
    for (const jump of jumps) times.push(Math.min(times[times.length - 1] + jump, 10 ** 12));
    return times;
  });

// ---------------------------------------------------------------------------------------------
// Broken schedulers: each overrides one rule of Algorithm 1.

/** Grids built on demand, so a broken index outside [p_0, p_max] still quantizes. */
abstract class OnDemandGridScheduler extends ProbeScheduler {
  override grid(i = 0): Grid {
    return makeGrid(this.params.eta, this.params.base, this.p[i]);
  }
}

/** Forgets the p_max cap in B.2a and B.2b. */
export class UncappedScheduler extends OnDemandGridScheduler {
  override mayRaise(i: number): boolean {
    return this.switches.avoidVanishing && this.p[i] < this.params.pMax + 20;
  }
  override raise(i: number): void {
    this.p[i] += 1;
  }
  override tick(): void {
    if (this.switches.bound) this.p[0] = Math.max(this.p[0], Math.ceil(infimumIndex(this.t, this.params)));
    this.time += 1;
  }
}

/** Sets p = ⌈p_inf(t)⌉ instead of max(p, ⌈p_inf(t)⌉): p can decrease. */
export class ForgetfulScheduler extends OnDemandGridScheduler {
  override tick(): void {
    if (this.switches.bound) this.p[0] = boundTarget(this.t, this.params);
    this.time += 1;
  }
}

/** Rounds p_inf down: the noise κ/Q² can exceed T(t) (the infimum of eq. 11 broken). */
export class FloorBoundScheduler extends OnDemandGridScheduler {
  override tick(): void {
    if (this.switches.bound) {
      const target = Math.min(this.params.pMax, Math.floor(infimumIndex(this.t, this.params)));
      if (this.p[0] < target) this.p[0] = target;
    }
    this.time += 1;
  }
}

export const uncappedScheduler: SchedulerFactory = (params, switches) => new UncappedScheduler(params, switches);
export const forgetfulScheduler: SchedulerFactory = (params, switches) => new ForgetfulScheduler(params, switches);
export const floorBoundScheduler: SchedulerFactory = (params, switches) => new FloorBoundScheduler(params, switches);

export const uncappedLearner: LearnerFactory = learnerOf(uncappedScheduler);
export const forgetfulLearner: LearnerFactory = learnerOf(forgetfulScheduler);
export const floorBoundIndexSchedule: IndexScheduleFactory = indexScheduleOf(floorBoundScheduler);

// ---------------------------------------------------------------------------------------------
// The properties (SPEC §5–§7), as builders over the implementation under test.

/**
 * Float tolerance of the sup/inf comparison T/b² < κ/Q² ≤ T: T(t), p_inf(t) and κ/Q² are each a
 * few correctly rounded operations (pow, log, division) away from the reals, so a relative 2^-48
 * (16 ulps) covers them; any real violation is a whole factor b off. (It also passed 20000 runs
 * with no tolerance at all.)
 */
export const SUP_INF_REL = 2 ** -48;

/** Tolerance on the annealing margin for float rounding in T(t), p_inf(t) and κ/Q² (a relative 1e-12). */
export const MARGIN_TOLERANCE = 1e-12;

export const switchesArb: fc.Arbitrary<AlgorithmSwitches> = fc.record({ avoidVanishing: fc.boolean(), bound: fc.boolean() });

/** §7: p never decreases, never passes p_max, never drops below p_0 (any switches, any steps). */
export function monotoneProperty(factory: LearnerFactory, switches: fc.Arbitrary<AlgorithmSwitches> = switchesArb, params: fc.Arbitrary<ScheduleParams> = scheduleParamsArb) {
  return fc.property(params, switches, stepsArb, (params, sw, steps) => {
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

/** §6: wherever B.2b set p, p_inf ≤ p < p_inf + 1 and T/b² < κ/Q² ≤ T (relative tolerance SUP_INF_REL). */
export function checkSupInf(params: ScheduleParams, t: number, p: number): void {
  const pInf = infimumIndex(t, params);
  const T = targetTemperature(t, params);
  const Tq = quantizationTemperature(p, params);
  const b2 = params.base * params.base;
  if (!(pInf <= p && p < pInf + 1)) throw new Error(`t = ${t}: p = ${p} outside [p_inf, p_inf + 1) = [${pInf}, ${pInf + 1})`);
  if (!(Tq <= T * (1 + SUP_INF_REL))) throw new Error(`t = ${t}: κ/Q² = ${Tq} > T = ${T}`);
  if (!(Tq > (T / b2) * (1 - SUP_INF_REL))) throw new Error(`t = ${t}: κ/Q² = ${Tq} ≤ T/b² = ${T / b2}`);
}

/** §6 with steps: where B.2b raised p (B.2a on or off), p is within the supremum and infimum. */
export function supInfProperty(factory: LearnerFactory, avoidVanishing: fc.Arbitrary<boolean> = fc.boolean(), params: fc.Arbitrary<ScheduleParams> = scheduleParamsArb) {
  return fc.property(params, avoidVanishing, stepsArb, (params, avoidVanishing, steps) => {
    for (const r of runAlgorithm(factory, params, { avoidVanishing, bound: true }, steps)) {
      const target = Math.ceil(infimumIndex(r.t, params));
      if (r.after > r.used && target <= params.pMax) checkSupInf(params, r.t, r.after);
    }
  });
}

/** §6 scheduler alone: p ≥ min(p_max, ⌈p_inf(t)⌉), and where the bound set p, T/b² < κ/Q² ≤ T. */
export function supInfAloneProperty(factory: IndexScheduleFactory, params: fc.Arbitrary<ScheduleParams> = scheduleParamsArb) {
  return fc.property(params, timesArb, (params, times) => {
    for (const r of runSchedulerAlone(factory, params, times)) {
      const target = Math.ceil(infimumIndex(r.t, params));
      if (r.after > r.before && target <= params.pMax) checkSupInf(params, r.t, r.after);
      if (r.after < Math.min(params.pMax, target)) throw new Error(`t = ${r.t}: p = ${r.after} below min(p_max, ⌈p_inf⌉) = ${Math.min(params.pMax, target)}`);
    }
  });
}

/** T_q(p0)·ln 2 ≥ C/b²: the initial index is not too fine at t = 0 (implied by p_0 ≤ ⌈p_inf(0)⌉). */
export const initialIndexNotTooFine = (params: ScheduleParams) => annealingMargin(params.p0, 0, params) >= 1;

/** §5: the scheduler alone keeps T_q(t)·ln(t+2) ≥ C/b² at every t of any horizon (given the precondition, when asked). */
export function annealingAloneProperty(factory: IndexScheduleFactory, withPrecondition: boolean, params: fc.Arbitrary<ScheduleParams> = scheduleParamsArb) {
  return fc.property(params, timesArb, (params, times) => {
    if (withPrecondition) fc.pre(initialIndexNotTooFine(params));
    let used = params.p0; // the index the step at t runs with: p_0 at t = 0, then the last tick's
    for (const r of runSchedulerAlone(factory, params, times)) {
      for (const [p, label] of [[used, 'used by the step'], [r.after, 'after B.2b']] as const) {
        const margin = annealingMargin(p, r.t, params);
        if (!(margin >= 1 - MARGIN_TOLERANCE)) throw new Error(`t = ${r.t}: index ${p} (${label}) has T_q·ln(t+2)/(C/b²) = ${margin} < 1`);
      }
      used = r.after;
    }
  });
}

/** Hyperparameters where p_0 ≤ ⌈p_inf(0)⌉ (the simple form of the precondition). */
export const paramsWithLowP0 = scheduleParamsArb.map((params) => ({
  ...params,
  p0: Math.min(params.p0, Math.ceil(infimumIndex(0, params))),
}));
