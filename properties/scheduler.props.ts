/**
 * Generators, a driver and deliberately broken variants for the scheduler properties (SPEC §5–§7).
 * The driver runs Algorithm 1 with the core Learner over a Scheduler (or a broken subclass),
 * recording the index before the step, after B.2a, and after B.2b.
 */
import fc from 'fast-check';
import { Learner, vectorLayout } from '../src/core/learner.ts';
import { makeGrid, type Grid, type QuantMode } from '../src/core/quantizer.ts';
import { READINGS, type CapRule } from '../src/core/reading.ts';
import { boundTarget, infimumIndex, Scheduler, type AlgorithmSwitches, type ScheduleParams } from '../src/core/schedule.ts';

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

export type SchedulerFactory = (params: ScheduleParams, switches: AlgorithmSwitches, cap?: CapRule) => ProbeScheduler;

/** The core Scheduler, plus a way for the drivers below to jump the clock (the core has none on purpose). */
export class ProbeScheduler extends Scheduler {
  jumpTo(t: number): void {
    this.time = t;
  }
}

export const coreScheduler: SchedulerFactory = (params, switches, cap = 'strict') => new ProbeScheduler(params, switches, 'step', 1, cap);

/** Run Algorithm 1 (SPEC §7) on the given steps (h with λ = 1, w from 0) and record the index. */
export function runAlgorithm(
  factory: SchedulerFactory,
  params: ScheduleParams,
  switches: AlgorithmSwitches,
  steps: readonly (readonly number[])[],
  mode: QuantMode = 'round',
): StepRecord[] {
  const dims = Math.max(...steps.map((s) => s.length));
  let scheduler!: ProbeScheduler;
  const learner = new Learner({
    direction: 'sgd',
    learningRate: 1,
    quantization: { reading: { ...READINGS.paper, mode }, schedule: params, b2a: switches.avoidVanishing, b2b: switches.bound, clock: 'step', weightsOnGrid: false },
    tensors: vectorLayout(dims),
    makeScheduler: (p, s, _clock, _count, cap) => (scheduler = factory(p, s, cap)),
  });
  const w = new Float64Array(dims);
  const h = new Float64Array(dims);
  const records: StepRecord[] = [];
  for (const step of steps) {
    h.fill(0);
    h.set(step);
    const t = scheduler.t;
    const before = scheduler.index(0);
    const used = learner.step(w, h).tensorIndex[0];
    records.push({ t, before, used, after: scheduler.index(0) });
  }
  return records;
}

/**
 * The scheduler alone (B.2b on, no steps): the index after the tick at each of the given times.
 * Ticks are skipped between times; without B.2a that changes nothing, because p_inf(t) is
 * non-decreasing and so p(t) = min(p_max, max(p_0, ⌈p_inf(t)⌉)) depends on t alone.
 */
export function runSchedulerAlone(factory: SchedulerFactory, params: ScheduleParams, times: readonly number[]): { t: number; before: number; after: number }[] {
  const scheduler = factory(params, { avoidVanishing: false, bound: true });
  const out: { t: number; before: number; after: number }[] = [];
  for (const t of times) {
    const before = scheduler.index(0);
    scheduler.jumpTo(t);
    scheduler.tick();
    out.push({ t, before, after: scheduler.index(0) });
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
