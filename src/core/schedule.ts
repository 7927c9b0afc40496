/**
 * The scheduler of SPEC §6 (eqs. 10–12) and the index updates of Algorithm 1 / Appendix B.2 (§7).
 *
 * Every function here is O(1) in t: p_inf(t) has a closed form, so the cost of a step never grows
 * with the length of the run.
 */
import { makeGrid, type Grid } from './quantizer.ts';
import { raiseCeiling, type CapRule } from './reading.ts';

/** Hyperparameters of the target temperature T(t), eq. 12. */
export interface TemperatureParams {
  /** b, the quantization base. */
  readonly base: number;
  /** C, the Geman–Hwang constant of the logarithmic schedule. */
  readonly C: number;
  /** β, keeps the early phase hot. */
  readonly beta: number;
}

/** Everything the index schedule needs (SPEC §6). */
export interface ScheduleParams extends TemperatureParams {
  /** η, the integer factor of Q_p. */
  readonly eta: number;
  /** κ, the noise scale: κ/Q_p² is the realised temperature. */
  readonly kappa: number;
  /** p_0, the initial index. */
  readonly p0: number;
  /** p_max, the cap on the index. */
  readonly pMax: number;
}

/** κ of the reference implementation: n/24 with n = 64 whatever the model (SPEC §6). */
export function referenceKappa(n = 64): number {
  return n / 24;
}

/** κ from Langevin scaling of the quantized step, 1/(24λ) (SPEC §4, §6). */
export function langevinKappa(lambda: number): number {
  return 1 / (24 * lambda);
}

export type KappaChoice = 'reference' | 'langevin';

export function kappaFor(choice: KappaChoice, lambda: number): number {
  return choice === 'reference' ? referenceKappa() : langevinKappa(lambda);
}

/** The schedule of a learner with learning rate λ: the hyperparameters with κ chosen by `choice` (SPEC §6). */
export function withKappa(schedule: Omit<ScheduleParams, 'kappa'>, choice: KappaChoice, lambda: number): ScheduleParams {
  return { ...schedule, kappa: kappaFor(choice, lambda) };
}

/** Reference hyperparameters (SPEC §6: eq. 34 and the reference code). */
export const REFERENCE_SCHEDULE: ScheduleParams = Object.freeze({
  base: 2,
  eta: 1,
  C: 1e-6,
  beta: 20,
  kappa: referenceKappa(),
  p0: 0,
  pMax: 32,
});

/** T(t) = b^{2β/(t+2)} · C / ln(t+2) (SPEC §6, eq. 12). */
export function targetTemperature(t: number, params: TemperatureParams): number {
  return params.base ** ((2 * params.beta) / (t + 2)) * (params.C / Math.log(t + 2));
}

/** The Geman–Hwang floor C/ln(t+2) that T(t) never falls below (SPEC §5, §6). */
export function logarithmicFloor(t: number, C: number): number {
  return C / Math.log(t + 2);
}

/** p_inf(t) = ½·log_b(κ / (η²·T(t))) (SPEC §6, eq. 11). */
export function infimumIndex(t: number, params: ScheduleParams): number {
  const T = targetTemperature(t, params);
  return (0.5 * Math.log(params.kappa / (params.eta * params.eta * T))) / Math.log(params.base);
}

/** The realised temperature of index p, T_q = κ/Q_p² (SPEC §5, §6). */
export function quantizationTemperature(p: number, params: Pick<ScheduleParams, 'eta' | 'base' | 'kappa'>): number {
  const Q = makeGrid(params.eta, params.base, p).Q;
  return params.kappa / (Q * Q);
}

/** c_min = C/b²: the floor of T_q(t)·ln(t+2) that the scheduler alone guarantees (SPEC §5, §6). */
export function annealingFloor(params: Pick<ScheduleParams, 'C' | 'base'>): number {
  return params.C / (params.base * params.base);
}

/**
 * The annealing condition of SPEC §5 at one step, as a ratio: T_q(t)·ln(t+2) / (C/b²) with
 * T_q = κ/Q_p². At least 1 where the condition holds; below 1 where the index is too fine for t
 * (which B.2a can cause, SPEC §7).
 */
export function annealingMargin(p: number, t: number, params: ScheduleParams): number {
  return (quantizationTemperature(p, params) * Math.log(t + 2)) / annealingFloor(params);
}

/** min(p_max, ⌈p_inf(t)⌉): the index B.2b raises to at time t (SPEC §6, §7). */
export function boundTarget(t: number, params: ScheduleParams): number {
  return Math.min(params.pMax, Math.ceil(infimumIndex(t, params)));
}

/** B.2b with the p_max cap, for p ≤ p_max: min(p_max, max(p, ⌈p_inf(t)⌉)) (SPEC §7). */
export function boundedIndex(p: number, t: number, params: ScheduleParams): number {
  return Math.max(p, boundTarget(t, params));
}

/** One row per t of the scheduler run alone (no vanishing test): the `qle schedule` table. */
export interface ScheduleTable {
  readonly t: number[];
  readonly T: number[];
  readonly pInf: number[];
  readonly p: number[];
}

/** p[t] = min(p_max, max(p[t−1], ⌈p_inf(t)⌉)), p[−1] = p_0, for t = 0 … steps−1. */
export function scheduleTable(params: ScheduleParams, steps: number): ScheduleTable {
  validateSchedule(params);
  const table: ScheduleTable = { t: [], T: [], pInf: [], p: [] };
  let p = params.p0;
  for (let t = 0; t < steps; t++) {
    p = boundedIndex(p, t, params);
    table.t.push(t);
    table.T.push(targetTemperature(t, params));
    table.pInf.push(infimumIndex(t, params));
    table.p.push(p);
  }
  return table;
}

/** A schedule hyperparameter that makes no sense: names it. */
export class ScheduleParamError extends RangeError {
  constructor(readonly parameter: keyof ScheduleParams, message: string) {
    super(message);
    this.name = 'ScheduleParamError';
  }
}

export function validateSchedule(params: ScheduleParams): void {
  const positive = (name: keyof ScheduleParams) => {
    const value = params[name];
    if (!(Number.isFinite(value) && value > 0)) {
      throw new ScheduleParamError(name, `${name} must be a positive number, got ${value}`);
    }
  };
  const integer = (name: keyof ScheduleParams, min = -Infinity) => {
    const value = params[name];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new ScheduleParamError(name, `${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${value}`);
    }
  };
  integer('base', 2);
  integer('eta', 1);
  positive('C');
  positive('kappa');
  if (!(Number.isFinite(params.beta) && params.beta >= 0)) {
    throw new ScheduleParamError('beta', `beta must be a number >= 0, got ${params.beta}`);
  }
  integer('p0');
  integer('pMax');
  if (params.p0 > params.pMax) {
    throw new ScheduleParamError('p0', `p0 (${params.p0}) must not exceed pMax (${params.pMax})`);
  }
  makeGrid(params.eta, params.base, params.pMax);
  makeGrid(params.eta, params.base, params.p0);
}

/** Which parts of Appendix B.2 are switched on (SPEC §7). */
export interface AlgorithmSwitches {
  /** B.2a: raise p while the quantized step vanishes. */
  readonly avoidVanishing: boolean;
  /** B.2b: raise p to ⌈p_inf(t)⌉ after each step. */
  readonly bound: boolean;
}

/** Where the clock of the scheduler ticks (SPEC §6: reference per step, paper per epoch). */
export type TimeUnit = 'step' | 'epoch';

/** A scheduler's state, returned by state() and accepted by restore(): enough to resume bit for bit. */
export interface SchedulerState {
  readonly p: readonly number[];
  readonly t: number;
}

/**
 * The index state of Algorithm 1 (SPEC §6, §7): one index per independent quantizer (a slot). One
 * global index is count = 1; per-tensor indices or a population of simulated runs are count = N.
 * With both switches off it is conventional fixed-p quantization.
 *
 * Its face is narrow on purpose: indices change only through raise (B.2a, by the Learner) and tick
 * (B.2b and the clock), and a checkpoint goes through state()/restore().
 */
export class Scheduler {
  /** Protected, not private, so that the property suites' deliberately broken schedulers can subclass. */
  protected readonly p: Int32Array;
  protected time = 0;
  /** Grids for p_0 … the raise ceiling, built once: grid() sits on the hot path of every step. */
  private readonly grids: Grid[];
  /** The highest index B.2a may reach (p_max, or p_max + 1 under the reference cap). */
  readonly ceiling: number;
  /**
   * Every index is at least this (the last B.2b target applied): indices only rise between ticks and
   * the target never falls (T(t) decreases), so a tick whose target is not above it changes nothing.
   */
  private floor = -Infinity;

  constructor(
    readonly params: ScheduleParams,
    readonly switches: AlgorithmSwitches,
    readonly timeUnit: TimeUnit = 'step',
    count = 1,
    readonly cap: CapRule = 'strict',
    /** Where the indices live (count entries; e.g. WebAssembly memory that a kernel reads); default: a new array. */
    storage?: Int32Array,
  ) {
    validateSchedule(params);
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`a scheduler needs at least one index, got ${count}`);
    if (storage && storage.length !== count) throw new RangeError(`scheduler storage holds ${storage.length} indices, the scheduler ${count}`);
    this.p = (storage ?? new Int32Array(count)).fill(params.p0);
    this.ceiling = raiseCeiling(cap, params.pMax);
    this.grids = [];
    for (let p = params.p0; p <= this.ceiling; p++) this.grids.push(makeGrid(params.eta, params.base, p));
  }

  get count(): number {
    return this.p.length;
  }

  /** Scheduler time t, in the configured unit. */
  get t(): number {
    return this.time;
  }

  /** The index p of slot i, used by the next step. */
  index(i = 0): number {
    return this.p[i];
  }

  /** Every slot's index: a read-only view for diagnostics and fast paths (do not write). */
  get indices(): Readonly<Int32Array> {
    return this.p;
  }

  /** Q_p and its grid for slot i. */
  grid(i = 0): Grid {
    return this.grids[this.p[i] - this.params.p0];
  }

  /** B.2a may raise slot i `times` more times: switched on and not beyond the cap (SPEC §7). */
  mayRaise(i: number, times = 1): boolean {
    return this.switches.avoidVanishing && this.p[i] + times <= this.ceiling;
  }

  /** `times` B.2a increments of slot i (the caller re-quantizes after each). */
  raise(i: number, times = 1): void {
    if (!this.mayRaise(i, times)) throw new RangeError(`index ${i} cannot be raised ${times === 1 ? '' : `${times} times `}(B.2a off or at the cap ${this.ceiling})`);
    this.p[i] += times;
  }

  /** B.2a for every slot at once: counts[i] increments of slot i (a batch kernel's raises). */
  raiseEach(counts: ArrayLike<number>): void {
    if (counts.length !== this.p.length) throw new RangeError(`raise counts for ${counts.length} indices, the scheduler has ${this.p.length}`);
    if (!this.switches.avoidVanishing) throw new RangeError('B.2a is off: no index can be raised');
    const p = this.p;
    for (let i = 0; i < counts.length; i++) {
      const raised = p[i] + counts[i];
      if (raised > this.ceiling) throw new RangeError(`index ${i} cannot be raised ${counts[i]} times (the cap is ${this.ceiling})`);
      p[i] = raised;
    }
  }

  /** B.2b at the current t for every index, then t ← t+1 (SPEC §7, last two lines). */
  tick(): void {
    if (this.switches.bound) {
      const target = boundTarget(this.time, this.params);
      if (target > this.floor) {
        for (let i = 0; i < this.p.length; i++) if (this.p[i] < target) this.p[i] = target;
        this.floor = target;
      }
    }
    this.time += 1;
  }

  /** Call after every optimizer step: ticks when time runs per step. */
  afterStep(): void {
    if (this.timeUnit === 'step') this.tick();
  }

  /** Call after every epoch: ticks when time runs per epoch. */
  afterEpoch(): void {
    if (this.timeUnit === 'epoch') this.tick();
  }

  /** The realised temperature κ/Q_p² of slot i (SPEC §5). */
  temperature(i = 0): number {
    return quantizationTemperature(this.p[i], this.params);
  }

  state(): SchedulerState {
    return { p: Array.from(this.p), t: this.time };
  }

  /** Resume from state(): same number of slots, indices within p_0 … the ceiling, t ≥ 0. */
  restore(state: SchedulerState): void {
    if (state.p.length !== this.p.length) throw new RangeError(`scheduler state holds ${state.p.length} indices, this scheduler ${this.p.length}`);
    for (const p of state.p) {
      if (!Number.isSafeInteger(p) || p < this.params.p0 || p > this.ceiling) throw new RangeError(`scheduler state index ${p} outside ${this.params.p0} … ${this.ceiling}`);
    }
    if (!Number.isSafeInteger(state.t) || state.t < 0) throw new RangeError(`scheduler state time must be an integer >= 0, got ${state.t}`);
    this.p.set(state.p);
    this.time = state.t;
    this.floor = -Infinity;
  }
}
