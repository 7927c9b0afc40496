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
 *
 * The quantize stage is a QuantizePass (quantize-pass.ts): the JS definition, or by default its
 * WebAssembly twin (src/wasm, bit-identical; QLE_WASM=0 switches it off). With the kernels on, the
 * learner's arrays live in their memory; allocate() hands out weight arrays that do too.
 */
import { kernels } from '../wasm/kernels.ts';
import { WasmQuantizePass } from '../wasm/pass.ts';
import { ADAM_DEFAULTS, AdamDirection, plainStep, type AdamHyper } from './learning.ts';
import { quantizeInto } from './quantizer.ts';
import { JsQuantizePass, PLAIN_ARRAYS, type ArrayAllocator, type QuantizePass, type Segment, type StepReport } from './quantize-pass.ts';
import { describeReading, type CapRule, type Reading } from './reading.ts';
import { Scheduler, type AlgorithmSwitches, type ScheduleParams, type SchedulerState, type TimeUnit } from './schedule.ts';

export type { StepReport } from './quantize-pass.ts';

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

export type PassKind = QuantizePass['kind'];

/** Everything needed to resume a learner bit for bit (weights are the caller's). */
export interface LearnerState {
  readonly steps: number;
  readonly adam?: { readonly m: Float64Array; readonly v: Float64Array; readonly step: number };
  readonly scheduler?: SchedulerState;
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
  /** Where the learner's arrays live (the kernels' memory when the wasm pass is on). */
  private readonly arrays: ArrayAllocator;
  private readonly pass: QuantizePass | null;
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
    const wasm = kernels();
    this.arrays = wasm ?? PLAIN_ARRAYS;
    const arrays = this.arrays;
    const n = runs * this.dims;
    this.adam = config.direction === 'adam' ? new AdamDirection(n, config.adam ?? ADAM_DEFAULTS) : null;
    this.h = config.direction === 'adam' ? arrays.float64(n) : new Float64Array(0);
    const granularity = quantization?.reading.granularity ?? 'all';
    this.segments = segmentsOf(config.tensors, granularity);
    this.slotsPerRun = granularity === 'per-tensor' ? config.tensors.length : 1;
    const tensorsTotal = runs * config.tensors.length;
    const slots = runs * this.slotsPerRun;
    this.report = {
      vanished: arrays.uint8(slots),
      raises: arrays.int32(slots),
      tensorIndex: arrays.int32(tensorsTotal),
      tensorStartIndex: arrays.int32(tensorsTotal),
      zeroComponents: 0,
      vanishedRuns: 0,
    };
    if (quantization) {
      const { schedule, b2a, b2b, clock, reading } = quantization;
      // A scheduler handed in (the property suites' broken variants) may override any rule: the JS
      // pass asks it for everything; the wasm pass reads the core Scheduler's indices in place.
      const custom = config.makeScheduler;
      this.scheduler = custom
        ? custom(schedule, { avoidVanishing: b2a, bound: b2b }, clock, slots, reading.cap)
        : new Scheduler(schedule, { avoidVanishing: b2a, bound: b2b }, clock, slots, reading.cap, arrays.int32(slots));
      this.unquantizedStep = arrays.float64(n);
      this.quantizedStep = arrays.float64(n);
      const context = {
        runs,
        dims: this.dims,
        segments: this.segments,
        slotsPerRun: this.slotsPerRun,
        tensorsPerRun: config.tensors.length,
        reading,
        weightsOnGrid: quantization.weightsOnGrid,
        scheduler: this.scheduler,
        unquantizedStep: this.unquantizedStep,
        quantizedStep: this.quantizedStep,
        report: this.report,
      };
      this.pass = wasm && !custom ? new WasmQuantizePass(wasm, context) : new JsQuantizePass(context);
    } else {
      this.unquantizedStep = new Float64Array(0);
      this.quantizedStep = new Float64Array(0);
      this.pass = null;
    }
  }

  /** Which implementation quantizes: 'wasm' (the default) or 'js' (QLE_WASM=0); null for the plain equation. */
  get passKind(): PassKind | null {
    return this.pass?.kind ?? null;
  }

  /**
   * A zeroed array of n doubles where this learner's pass works in place (the kernels' memory when
   * the wasm pass is on): weights and gradients allocated here are not copied each step.
   */
  allocate(n: number): Float64Array {
    return this.arrays.float64(n);
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
    return this.quantizedUpdate(w, h);
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
    return this.quantizedUpdate(w, null);
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

  /** d = −λ·h (when h is given), quantize under the reading with B.2a, add to w (the pass); then B.2b and the clock. */
  private quantizedUpdate(w: Float64Array, h: Float64Array | null): StepReport {
    const quantization = this.quantization as QuantizationConfig;
    const mayRaise = quantization.b2a && (quantization.reading.b2aOnFirstStep || this.stepCount > 0);
    (this.pass as QuantizePass).apply(w, h, this.learningRate, mayRaise);
    this.stepCount += 1;
    (this.scheduler as Scheduler).afterStep();
    return this.report;
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
