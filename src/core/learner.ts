/**
 * Algorithm 1 assembled once (SPEC §3 eqs. 3 and 5, §6, §7): the one learner every caller uses —
 * the simulation optimizers (with a batch dimension of runs), the tfjs optimizers (tensors of a
 * network), the conformance vectors, the sample run and the `qle step` oracle.
 *
 * It is a chain of small stages, composed the way optax composes gradient transformations:
 *
 *   direction (plain | SGD | ADAM)  →  scale (d = −λ·h)  →  quantize under a Reading (B.2a)
 *                                   →  schedule (B.2b and the clock)
 *
 * Without a quantization config it is the plain learning equation (eq. 3). Its state goes out
 * through state() and comes back through restore(); nothing outside writes into it.
 */
import { ADAM_DEFAULTS, AdamDirection, plainStep, type AdamHyper } from './learning.ts';
import { gridIndex, gridValue, quantizeInto, type Grid } from './quantizer.ts';
import { describeReading, vanishes, type CapRule, type Reading } from './reading.ts';
import { Scheduler, type AlgorithmSwitches, type ScheduleParams, type SchedulerState, type TimeUnit } from './schedule.ts';

/** One parameter tensor: a named stretch of the flat weight vector. */
export interface TensorSpec {
  readonly name: string;
  readonly size: number;
}

/** How a learner quantizes its step (SPEC §7); absent means the plain equation. */
export interface QuantizationConfig {
  readonly reading: Reading;
  readonly schedule: ScheduleParams;
  /** B.2a: raise the index while the quantized step vanishes. */
  readonly b2a: boolean;
  /** B.2b: raise the index to ⌈p_inf(t)⌉ after each tick. */
  readonly b2b: boolean;
  /** The scheduler's clock: per optimizer step, or per epoch (endEpoch). */
  readonly clock: TimeUnit;
  /**
   * true: prepare() snaps w_0 onto G_{p_0} and every w_t stays on G_{p(t)} (SPEC §3). false: w_0 is
   * left where it is and only the displacement w_t − w_0 is a sum of grid steps (networks, whose
   * initialisation snapping would erase; studies that give every method the same starts).
   */
  readonly weightsOnGrid: boolean;
}

export type DirectionName = 'plain' | 'sgd' | 'adam';

export interface LearnerConfig {
  /** plain: the input already is h; sgd: h = g; adam: h = m̂/(√v̂ + ε) (SPEC §3). */
  readonly direction: DirectionName;
  readonly adam?: AdamHyper;
  /** λ. */
  readonly learningRate: number;
  readonly quantization?: QuantizationConfig;
  /** The tensors of one run, in parameter order (default: one tensor 'w' of `dims` weights). */
  readonly tensors: readonly TensorSpec[];
  /** Independent runs stepped together (a population), each with its own indices; default 1. */
  readonly runs?: number;
  /**
   * Builds the index state (default: the core Scheduler). A seam for the property suites, which
   * hand in deliberately broken schedulers to show that the properties catch them.
   */
  readonly makeScheduler?: SchedulerFactory;
}

export type SchedulerFactory = (params: ScheduleParams, switches: AlgorithmSwitches, clock: TimeUnit, count: number, cap: CapRule) => Scheduler;

/** What the last step did; one object, overwritten by every step (no allocation on the hot path). */
export interface StepReport {
  /** Per index slot: 1 when some stretch it quantizes vanished at the index it met (before B.2a). */
  readonly vanished: Uint8Array;
  /** Per index slot: B.2a raises made in this step. */
  readonly raises: Int32Array;
  /** Per run × tensor: the index each tensor's step was quantized with (after B.2a, before B.2b). */
  readonly tensorIndex: Int32Array;
  /** Per run × tensor: the index that tensor met, before B.2a. */
  readonly tensorStartIndex: Int32Array;
  /** Components of the applied step that are exactly zero (all runs and tensors). */
  zeroComponents: number;
  /** Runs with a vanished slot. */
  vanishedRuns: number;
}

/** Everything needed to resume a learner bit for bit (weights are the caller's). */
export interface LearnerState {
  readonly steps: number;
  readonly adam?: { readonly m: Float64Array; readonly v: Float64Array; readonly step: number };
  readonly scheduler?: SchedulerState;
}

/** One stretch of a run's weights that B.2a tests as a unit, and the index slot it uses. */
interface Segment {
  readonly offset: number;
  readonly size: number;
  readonly slot: number;
  /** The tensors it covers (all of them under granularity `all`). */
  readonly firstTensor: number;
  readonly tensorCount: number;
}

export class Learner {
  readonly learningRate: number;
  readonly runs: number;
  /** Weights per run. */
  readonly dims: number;
  readonly tensors: readonly TensorSpec[];
  readonly quantization?: QuantizationConfig;
  /** The index state (quantized learners only). Read it; it changes only through step/endEpoch/restore. */
  readonly scheduler?: Scheduler;
  /** Index slots per run: one per tensor under `per-tensor`, else one. */
  readonly slotsPerRun: number;
  readonly report: StepReport;
  /** d = −λ·h of the last step (quantized learners; runs × dims). */
  readonly unquantizedStep: Float64Array;
  /** Q_p(d), the step that was applied (quantized learners; runs × dims). */
  readonly quantizedStep: Float64Array;
  /** ADAM's moments; SGD's and the plain direction's h is the input itself (no copy). */
  private readonly adam: AdamDirection | null;
  private readonly h: Float64Array;
  private readonly segments: readonly Segment[];
  private stepCount = 0;
  private direction: Float64Array = new Float64Array(0);

  constructor(config: LearnerConfig) {
    const { learningRate, quantization } = config;
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new RangeError(`learning rate must be a positive number, got ${learningRate}`);
    const runs = config.runs ?? 1;
    if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`runs must be an integer >= 1, got ${runs}`);
    if (config.tensors.length === 0) throw new RangeError('a learner needs at least one tensor');
    for (const t of config.tensors) if (!Number.isSafeInteger(t.size) || t.size < 1) throw new RangeError(`tensor ${t.name} must have at least one weight, got ${t.size}`);
    this.learningRate = learningRate;
    this.runs = runs;
    this.tensors = config.tensors;
    this.dims = config.tensors.reduce((sum, t) => sum + t.size, 0);
    this.quantization = quantization;
    const n = runs * this.dims;
    this.adam = config.direction === 'adam' ? new AdamDirection(n, config.adam ?? ADAM_DEFAULTS) : null;
    this.h = config.direction === 'adam' ? new Float64Array(n) : new Float64Array(0);
    const granularity = quantization?.reading.granularity ?? 'all';
    this.segments = segmentsOf(config.tensors, granularity);
    this.slotsPerRun = granularity === 'per-tensor' ? config.tensors.length : 1;
    const tensorsTotal = runs * config.tensors.length;
    this.report = {
      vanished: new Uint8Array(runs * this.slotsPerRun),
      raises: new Int32Array(runs * this.slotsPerRun),
      tensorIndex: new Int32Array(tensorsTotal),
      tensorStartIndex: new Int32Array(tensorsTotal),
      zeroComponents: 0,
      vanishedRuns: 0,
    };
    if (quantization) {
      const { schedule, b2a, b2b, clock, reading } = quantization;
      const make: SchedulerFactory = config.makeScheduler ?? ((...args) => new Scheduler(...args));
      this.scheduler = make(schedule, { avoidVanishing: b2a, bound: b2b }, clock, runs * this.slotsPerRun, reading.cap);
      this.unquantizedStep = new Float64Array(n);
      this.quantizedStep = new Float64Array(n);
    } else {
      this.unquantizedStep = new Float64Array(0);
      this.quantizedStep = new Float64Array(0);
    }
  }

  /** The reading's name for reports and manifests ('plain' without quantization). */
  get readingName(): string {
    return this.quantization ? describeReading(this.quantization.reading) : 'plain';
  }

  /** h of the last step (the gradient itself for SGD and the plain direction). */
  get lastDirection(): Float64Array {
    return this.direction;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** Put w_0 where the learner keeps its iterates: on G_{p_0} when weightsOnGrid (SPEC §3). */
  prepare(w: Float64Array): void {
    this.checkLength(w, 'weights');
    const q = this.quantization;
    if (!q?.weightsOnGrid) return;
    const scheduler = this.scheduler as Scheduler;
    for (let r = 0; r < this.runs; r++) {
      for (const segment of this.segments) {
        const start = r * this.dims + segment.offset;
        quantizeInto(w, start, w, start, segment.size, scheduler.grid(r * this.slotsPerRun + segment.slot), 'round');
      }
    }
  }

  /** One step from gradients g (runs × dims): direction, scale, quantize, schedule (SPEC §7). */
  step(w: Float64Array, g: Float64Array): StepReport {
    this.checkLength(w, 'weights');
    this.checkLength(g, 'gradient');
    let h = g;
    if (this.adam) {
      this.adam.compute(g, this.h);
      h = this.h;
    }
    this.direction = h;
    if (!this.quantization) {
      plainStep(w, h, 0, h.length, this.learningRate);
      this.stepCount += 1;
      return this.report;
    }
    const d = this.unquantizedStep;
    const lambda = this.learningRate;
    for (let i = 0; i < d.length; i++) d[i] = -lambda * h[i];
    return this.applyScaled(w);
  }

  /**
   * One step from an unquantized step d = −λ·h given directly (the `qle step` oracle and
   * implementers' vectors): quantize under the reading, apply, schedule.
   */
  stepFromUpdate(w: Float64Array, d: Float64Array): StepReport {
    if (!this.quantization) throw new RangeError('stepFromUpdate needs a quantized learner');
    this.checkLength(w, 'weights');
    this.checkLength(d, 'step');
    this.unquantizedStep.set(d);
    return this.applyScaled(w);
  }

  /** End of an epoch: ticks an epoch-clocked scheduler (SPEC §6). */
  endEpoch(): void {
    this.scheduler?.afterEpoch();
  }

  state(): LearnerState {
    const adam = this.adam ? { m: Float64Array.from(this.adam.m), v: Float64Array.from(this.adam.v), step: this.adam.step } : undefined;
    return { steps: this.stepCount, adam, scheduler: this.scheduler?.state() };
  }

  restore(state: LearnerState): void {
    if (!Number.isSafeInteger(state.steps) || state.steps < 0) throw new RangeError(`learner state steps must be an integer >= 0, got ${state.steps}`);
    if (this.adam) {
      if (!state.adam) throw new RangeError('learner state lacks the ADAM moments');
      if (state.adam.m.length !== this.adam.m.length) throw new RangeError(`ADAM state holds ${state.adam.m.length} moments, the learner ${this.adam.m.length}`);
      this.adam.m.set(state.adam.m);
      this.adam.v.set(state.adam.v);
      this.adam.step = state.adam.step;
    }
    if (this.scheduler) {
      if (!state.scheduler) throw new RangeError('learner state lacks the scheduler');
      this.scheduler.restore(state.scheduler);
    }
    this.stepCount = state.steps;
  }

  private checkLength(array: Float64Array, what: string): void {
    const n = this.runs * this.dims;
    if (array.length !== n) throw new RangeError(`${what} hold ${array.length} values, the learner ${n} (runs × dims)`);
  }

  /** Quantize unquantizedStep under the reading with B.2a, add it to w, then B.2b and the clock. */
  private applyScaled(w: Float64Array): StepReport {
    const quantization = this.quantization as QuantizationConfig;
    const scheduler = this.scheduler as Scheduler;
    const { mode, test } = quantization.reading;
    const d = this.unquantizedStep;
    const dq = this.quantizedStep;
    const report = this.report;
    const n = d.length;
    const mayRaiseNow = quantization.b2a && (quantization.reading.b2aOnFirstStep || this.stepCount > 0);
    report.raises.fill(0);
    report.vanished.fill(0);
    const sharedGrid = scheduler.grid(0);
    const nonZeroTotal = quantizeInto(d, 0, dq, 0, n, sharedGrid, mode);
    if (sharedGrid.binary && test === 'all-zero' && sameIndex(scheduler.indices) && (nonZeroTotal === n || (nonZeroTotal === 0 && !(mayRaiseNow && scheduler.mayRaise(0))))) {
      // One binary grid for every slot and the vanishing test decided for all at once: nothing
      // vanished, or everything did and no index can be raised. The general loop below would reach
      // the same state; this skips its per-segment bookkeeping (the population's usual case).
      const allVanished = nonZeroTotal === 0;
      report.vanished.fill(allVanished ? 1 : 0);
      report.tensorIndex.fill(scheduler.index(0));
      report.tensorStartIndex.fill(scheduler.index(0));
      report.zeroComponents = n - nonZeroTotal;
      report.vanishedRuns = allVanished ? this.runs : 0;
      if (!allVanished) for (let i = 0; i < n; i++) w[i] += dq[i];
    } else {
      this.quantizeSegments(w, scheduler, sharedGrid, mayRaiseNow);
    }
    this.stepCount += 1;
    scheduler.afterStep();
    return report;
  }

  /** B.2a segment by segment (SPEC §7, under the reading's granularity, test and cap). */
  private quantizeSegments(w: Float64Array, scheduler: Scheduler, sharedGrid: Grid, mayRaiseNow: boolean): void {
    const { reading, weightsOnGrid } = this.quantization as QuantizationConfig;
    const { mode, test } = reading;
    const d = this.unquantizedStep;
    const dq = this.quantizedStep;
    const report = this.report;
    const tensorCount = this.tensors.length;
    let zeros = 0;
    let vanishedRuns = 0;
    for (let r = 0; r < this.runs; r++) {
      let runVanished = 0;
      for (const segment of this.segments) {
        const slot = r * this.slotsPerRun + segment.slot;
        const start = r * this.dims + segment.offset;
        const size = segment.size;
        const startIndex = scheduler.index(slot);
        let grid = scheduler.grid(slot);
        let nonZero: number;
        if (grid === sharedGrid) {
          nonZero = 0;
          for (let i = start; i < start + size; i++) if (dq[i] !== 0) nonZero++;
        } else {
          nonZero = quantizeInto(d, start, dq, start, size, grid, mode);
        }
        let vanished = vanishes(test, dq, start, size, nonZero);
        if (vanished) {
          report.vanished[slot] = 1;
          runVanished = 1;
        }
        while (vanished && mayRaiseNow && scheduler.mayRaise(slot)) {
          scheduler.raise(slot);
          report.raises[slot] += 1;
          grid = scheduler.grid(slot);
          nonZero = quantizeInto(d, start, dq, start, size, grid, mode);
          vanished = vanishes(test, dq, start, size, nonZero);
        }
        const used = scheduler.index(slot);
        const firstTensor = r * tensorCount + segment.firstTensor;
        report.tensorStartIndex.fill(startIndex, firstTensor, firstTensor + segment.tensorCount);
        report.tensorIndex.fill(used, firstTensor, firstTensor + segment.tensorCount);
        zeros += size - nonZero;
        // On a binary grid w + dQ is exact for w on the grid; on other grids the doubles nearest
        // to k/Q_p are not closed under addition, so an on-grid iterate is snapped back to its grid
        // point (exact: the float sum is within a few ulps of it). Decided per segment: a
        // scheduler's grids need not all be binary (η = 1, b = 5: Q_0 = 1 is, Q_1 = 5 is not).
        if (grid.binary || !weightsOnGrid) {
          for (let i = start; i < start + size; i++) w[i] += dq[i];
        } else {
          for (let i = start; i < start + size; i++) w[i] = gridValue(gridIndex(w[i] + dq[i], grid, 'round'), grid);
        }
      }
      vanishedRuns += runVanished;
    }
    report.zeroComponents = zeros;
    report.vanishedRuns = vanishedRuns;
  }
}

/** The stretches B.2a tests as units: the whole run under `all`, else one per tensor (SPEC §7). */
function segmentsOf(tensors: readonly TensorSpec[], granularity: Reading['granularity']): Segment[] {
  if (granularity === 'all') {
    const size = tensors.reduce((sum, t) => sum + t.size, 0);
    return [{ offset: 0, size, slot: 0, firstTensor: 0, tensorCount: tensors.length }];
  }
  const segments: Segment[] = [];
  let offset = 0;
  tensors.forEach((tensor, i) => {
    segments.push({ offset, size: tensor.size, slot: granularity === 'per-tensor' ? i : 0, firstTensor: i, tensorCount: 1 });
    offset += tensor.size;
  });
  return segments;
}

function sameIndex(indices: Readonly<Int32Array>): boolean {
  const p = indices[0];
  for (let i = 1; i < indices.length; i++) if (indices[i] !== p) return false;
  return true;
}

/** One tensor of `size` weights named 'w': the layout of a plain vector (simulations, traces). */
export function vectorLayout(size: number): TensorSpec[] {
  return [{ name: 'w', size }];
}

/**
 * Conventional quantization (the paper's baseline, SPEC §3): eq. 5 with p fixed — B.2a and B.2b
 * off and p_max = p_0 = p — on the grid family of `schedule` (its η and b).
 */
export function fixedQuantization(p: number, schedule: ScheduleParams, reading: Reading, weightsOnGrid: boolean): QuantizationConfig {
  return { reading, schedule: { ...schedule, p0: p, pMax: p }, b2a: false, b2b: false, clock: 'step', weightsOnGrid };
}
