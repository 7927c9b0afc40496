/**
 * SGD, ADAM, QSGD and QtADAM as tfjs optimizers, all driven by the math core (SPEC §3, §6, §7):
 * each step reads the gradients into one float64 vector, computes the direction with the core's
 * SgdDirection / AdamDirection, applies the core's plainStep (eq. 3) or quantizedStep (eq. 5 with
 * B.2a, clocked by a core Scheduler with B.2b), and writes the weights back. No formula lives here.
 *
 * Float32 caveat: tfjs weights are float32. The optimizer keeps a float64 master copy of every
 * trainable weight, concatenated in a fixed order into one vector; the quantized step acts on the
 * master, and the tfjs variables receive Math.fround copies used only for the forward/backward pass
 * (gradients are evaluated at fround(w), an O(2^−24) relative perturbation). A float32 copy of a grid
 * value k·2^−p is exact only while |k| < 2^24, which fails for fine grids: hence the master.
 *
 * Grid: the weights start at their (float32) initialisation, not on G_{p_0} (snapping to G_0 = ℤ
 * would erase the initialisation; the reference does not snap either), so what eq. 5 keeps exact is
 * the displacement: w_t − w_0 ∈ G_{p(t)}. With η = 1, b = 2 every dQ is a multiple of 2^−p_max, and
 * w_0 + Σ dQ is exact in float64 when w_0 and the grid span at most 53 bits: always for
 * |w_0| ≥ 2^−9 (then w_0 is a multiple of 2^−32) and |w| < 2^21; a weight initialised below 2^−9 in
 * magnitude can round by less than 2^−53 relative once a coarse step hits it.
 */
import * as tf from './tf.ts';
import {
  ADAM_DEFAULTS,
  AdamDirection,
  makeStepScratch,
  plainStep,
  quantizedStep,
  SgdDirection,
  type AdamHyper,
  type Direction,
  type StepScratch,
} from '../core/learning.ts';
import type { QuantMode } from '../core/quantizer.ts';
import { Scheduler, kappaFor, type ScheduleParams } from '../core/schedule.ts';
import { DEFAULT_QUANTIZATION, type OptimizerName, type QuantizationConfig } from './names.ts';

export { OPTIMIZER_NAMES, DEFAULT_QUANTIZATION, type OptimizerName, type QuantizationConfig } from './names.ts';

/** Counters since the last reset (for the per-epoch log). */
export interface StepStats {
  steps: number;
  /** Steps where some index's quantized update was all zero at the index it started with. */
  vanishedSteps: number;
  /** B.2a raises in total. */
  raises: number;
  /** Weights whose quantized update was exactly zero, summed over steps (divide by steps × weights). */
  zeroUpdates: number;
}

/** Everything a checkpoint needs to resume the optimizer bit for bit. */
export interface OptimizerState {
  readonly master: Float64Array;
  readonly adam?: { m: Float64Array; v: Float64Array; step: number };
  readonly scheduler?: { p: number[]; t: number };
}

/** The variables the optimizer updates, in a fixed order, with their offsets in the flat vector. */
interface Layout {
  readonly names: string[];
  readonly variables: tf.Variable[];
  readonly offsets: number[];
  readonly sizes: number[];
  readonly total: number;
}

/**
 * The common base: binds the variables on the first applyGradients (in the order given; later
 * calls must name the same variables), keeps the float64 master, gathers gradients, writes back.
 * Subclasses implement `update(w, g)` on the flat float64 vectors.
 */
export abstract class CoreOptimizer extends tf.Optimizer {
  protected layout?: Layout;
  master = new Float64Array(0);
  protected gradient = new Float64Array(0);
  protected direction = new Float64Array(0);
  readonly stats: StepStats = { steps: 0, vanishedSteps: 0, raises: 0, zeroUpdates: 0 };

  constructor(readonly learningRate: number) {
    super();
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new RangeError(`learning rate must be > 0, got ${learningRate}`);
  }

  /** Number of trainable weights (after bind). */
  get size(): number {
    return this.master.length;
  }

  /** Bind to variables explicitly (before the first step), e.g. to restore a checkpoint. */
  bind(variables: tf.Variable[]): void {
    const sizes = variables.map((v) => v.size);
    const offsets: number[] = [];
    let total = 0;
    for (const size of sizes) {
      offsets.push(total);
      total += size;
    }
    this.layout = { names: variables.map((v) => v.name), variables, offsets, sizes, total };
    this.master = new Float64Array(total);
    variables.forEach((v, i) => this.master.set(v.dataSync() as Float32Array, offsets[i]));
    this.gradient = new Float64Array(total);
    this.direction = new Float64Array(total);
    this.allocate(total, variables.length);
  }

  /** Size the subclass's state for `total` weights in `tensors` tensors. */
  protected abstract allocate(total: number, tensors: number): void;

  /** One step on the flat master w with flat gradient g. */
  protected abstract update(w: Float64Array, g: Float64Array, layout: Layout): void;

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((e) => [e.name, e.tensor])
      : Object.entries(variableGradients);
    if (!this.layout) {
      const registered = tf.engine().registeredVariables;
      this.bind(entries.map(([name]) => registered[name]));
    }
    const layout = this.layout as Layout;
    const byName = new Map(entries);
    if (byName.size !== layout.names.length) throw new Error(`expected gradients for ${layout.names.length} variables, got ${byName.size}`);
    layout.names.forEach((name, i) => {
      const tensor = byName.get(name);
      if (!tensor) throw new Error(`no gradient for variable ${name}`);
      this.gradient.set(tensor.dataSync() as Float32Array, layout.offsets[i]);
    });
    this.update(this.master, this.gradient, layout);
    this.writeBack();
    this.stats.steps += 1;
    this.incrementIterations();
  }

  /** Copy fround(master) into the tfjs variables. */
  writeBack(): void {
    const layout = this.layout as Layout;
    layout.variables.forEach((variable, i) => {
      const values = Float32Array.from(this.master.subarray(layout.offsets[i], layout.offsets[i] + layout.sizes[i]));
      const tensor = tf.tensor(values, variable.shape, 'float32');
      variable.assign(tensor);
      tensor.dispose();
    });
  }

  resetStats(): StepStats {
    const copy = { ...this.stats };
    this.stats.steps = 0;
    this.stats.vanishedSteps = 0;
    this.stats.raises = 0;
    this.stats.zeroUpdates = 0;
    return copy;
  }

  /** Called by the driver after each epoch (ticks an epoch-clocked scheduler). */
  afterEpoch(): void {}

  getState(): OptimizerState {
    return { master: Float64Array.from(this.master) };
  }

  /** Restore after bind(): master weights (written back to the variables) and subclass state. */
  setState(state: OptimizerState): void {
    if (!this.layout) throw new Error('bind the optimizer before restoring its state');
    if (state.master.length !== this.master.length) throw new Error(`checkpoint holds ${state.master.length} weights, the model ${this.master.length}`);
    this.master.set(state.master);
    this.writeBack();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate };
  }
}

/** Adds the core ADAM direction's state to checkpoints. */
function adamState(direction: Direction | undefined): OptimizerState['adam'] {
  return direction instanceof AdamDirection ? { m: Float64Array.from(direction.m), v: Float64Array.from(direction.v), step: direction.step } : undefined;
}

function restoreAdam(direction: Direction | undefined, state: OptimizerState['adam']): void {
  if (direction instanceof AdamDirection && state) {
    direction.m.set(state.m);
    direction.v.set(state.v);
    direction.step = state.step;
  }
}

/** The plain learning equation w ← w − λ·h (SPEC §3, eq. 3). */
export abstract class PlainOptimizer extends CoreOptimizer {
  protected h?: Direction;
  protected abstract makeDirection(total: number): Direction;

  protected allocate(total: number): void {
    this.h = this.makeDirection(total);
  }

  protected update(w: Float64Array, g: Float64Array): void {
    (this.h as Direction).compute(g, this.direction);
    plainStep(w, this.direction, 0, w.length, this.learningRate);
  }

  override getState(): OptimizerState {
    return { ...super.getState(), adam: adamState(this.h) };
  }

  override setState(state: OptimizerState): void {
    super.setState(state);
    restoreAdam(this.h, state.adam);
  }
}

/** The quantized learning equation (SPEC §3 eq. 5, §7 Algorithm 1) with a core Scheduler. */
export abstract class QuantizedOptimizer extends CoreOptimizer {
  protected h?: Direction;
  scheduler?: Scheduler;
  protected scratch?: StepScratch;
  readonly scheduleParams: ScheduleParams;

  constructor(learningRate: number, readonly quantization: QuantizationConfig = DEFAULT_QUANTIZATION) {
    super(learningRate);
    this.scheduleParams = { ...quantization.schedule, kappa: kappaFor(quantization.kappa, learningRate) };
  }

  protected abstract makeDirection(total: number): Direction;

  protected allocate(total: number, tensors: number): void {
    this.h = this.makeDirection(total);
    const count = this.quantization.perTensor ? tensors : 1;
    this.scheduler = new Scheduler(this.scheduleParams, this.quantization.switches, this.quantization.timeUnit, count);
    this.scratch = makeStepScratch(this.quantization.perTensor ? Math.max(...[0, ...this.layoutSizes()]) : total);
  }

  private layoutSizes(): number[] {
    return this.layout ? this.layout.sizes : [];
  }

  protected update(w: Float64Array, g: Float64Array, layout: Layout): void {
    const scheduler = this.scheduler as Scheduler;
    const scratch = this.scratch as StepScratch;
    (this.h as Direction).compute(g, this.direction);
    const countZeros = (n: number) => {
      const dq = scratch.quantizedStep;
      let zeros = 0;
      for (let i = 0; i < n; i++) zeros += +(dq[i] === 0);
      this.stats.zeroUpdates += zeros;
    };
    if (this.quantization.perTensor) {
      layout.offsets.forEach((offset, i) => {
        quantizedStep(w, this.direction, offset, layout.sizes[i], this.learningRate, this.quantization.mode, scheduler, i, scratch);
        countZeros(layout.sizes[i]);
      });
    } else {
      quantizedStep(w, this.direction, 0, w.length, this.learningRate, this.quantization.mode, scheduler, 0, scratch);
      countZeros(w.length);
    }
    let vanished = 0;
    for (let i = 0; i < scheduler.count; i++) {
      vanished |= scheduler.vanished[i];
      this.stats.raises += scheduler.raisedByVanishing[i];
    }
    this.stats.vanishedSteps += vanished;
    scheduler.afterStep();
  }

  override afterEpoch(): void {
    this.scheduler?.afterEpoch();
  }

  override getState(): OptimizerState {
    const s = this.scheduler as Scheduler;
    return { ...super.getState(), adam: adamState(this.h), scheduler: { p: Array.from(s.p), t: s.t } };
  }

  override setState(state: OptimizerState): void {
    super.setState(state);
    restoreAdam(this.h, state.adam);
    if (state.scheduler && this.scheduler) {
      this.scheduler.p.set(state.scheduler.p);
      this.scheduler.t = state.scheduler.t;
    }
  }
}

export class SgdOptimizer extends PlainOptimizer {
  static className = 'QleSgd';
  protected makeDirection(): Direction {
    return new SgdDirection();
  }
}

export class AdamOptimizer extends PlainOptimizer {
  static className = 'QleAdam';
  constructor(learningRate: number, readonly hyper: AdamHyper = ADAM_DEFAULTS) {
    super(learningRate);
  }
  protected makeDirection(total: number): Direction {
    return new AdamDirection(total, this.hyper);
  }
}

export class QsgdOptimizer extends QuantizedOptimizer {
  static className = 'QleQsgd';
  protected makeDirection(): Direction {
    return new SgdDirection();
  }
}

export class QtAdamOptimizer extends QuantizedOptimizer {
  static className = 'QleQtAdam';
  constructor(learningRate: number, quantization: QuantizationConfig = DEFAULT_QUANTIZATION, readonly hyper: AdamHyper = ADAM_DEFAULTS) {
    super(learningRate, quantization);
  }
  protected makeDirection(total: number): Direction {
    return new AdamDirection(total, this.hyper);
  }
}

/** One optimizer by name; ADAM's ε is the paper's 1e−8 unless hyper says otherwise (reference: 1e−6). */
export function makeOptimizer(
  name: OptimizerName,
  learningRate: number,
  quantization: QuantizationConfig = DEFAULT_QUANTIZATION,
  hyper: AdamHyper = ADAM_DEFAULTS,
): CoreOptimizer {
  switch (name) {
    case 'sgd':
      return new SgdOptimizer(learningRate);
    case 'adam':
      return new AdamOptimizer(learningRate, hyper);
    case 'qsgd':
      return new QsgdOptimizer(learningRate, quantization);
    case 'qtadam':
      return new QtAdamOptimizer(learningRate, quantization, hyper);
  }
}
