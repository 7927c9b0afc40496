/**
 * SGD, ADAM, QSGD and QtADAM as tfjs optimizers: one thin adapter from tf.Variables to the core
 * Learner (SPEC §3, §6, §7). Each step reads the gradients into one float64 vector laid out tensor
 * by tensor, hands it to Learner.step (direction, λ, quantization under the reading, scheduler),
 * and writes the weights back. No formula lives here. The quantized per-weight update runs in the
 * Learner's quantize pass: the wasm kernel by default (the master and gradient vectors live in its
 * memory), the JS definition with QLE_WASM=0, bit for bit the same.
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
import { ADAM_DEFAULTS, type AdamHyper } from '../core/learning.ts';
import { Learner, type DirectionName, type LearnerState, type QuantizationConfig as CoreQuantization, type StepReport } from '../core/learner.ts';
import { withKappa } from '../core/schedule.ts';
import { DEFAULT_QUANTIZATION, type OptimizerName, type QuantizationConfig } from './names.ts';

export { OPTIMIZER_NAMES, DEFAULT_QUANTIZATION, type OptimizerName, type QuantizationConfig } from './names.ts';

/** Counters since the last reset (for the per-epoch log). */
export interface StepStats {
  steps: number;
  /** Steps where some index's quantized update vanished at the index it started with. */
  vanishedSteps: number;
  /** B.2a raises in total. */
  raises: number;
  /** Weights whose quantized update was exactly zero, summed over steps (divide by steps × weights). */
  zeroUpdates: number;
}

/** Everything a checkpoint needs to resume the optimizer bit for bit. */
export interface OptimizerState {
  readonly master: Float64Array;
  readonly learner: LearnerState;
}

/** The variables the optimizer updates, in a fixed order, with their offsets in the flat vector. */
interface Layout {
  readonly names: string[];
  readonly variables: tf.Variable[];
  readonly offsets: number[];
  readonly sizes: number[];
}

/** The learner's quantization for a tfjs run: κ from the learning rate when Langevin, the network's weights left off the grid. */
export function learnerQuantization(q: QuantizationConfig, learningRate: number): CoreQuantization {
  return {
    reading: q.reading,
    schedule: withKappa(q.schedule, q.kappa, learningRate),
    b2a: q.switches.avoidVanishing,
    b2b: q.switches.bound,
    clock: q.timeUnit,
    weightsOnGrid: false,
  };
}

/**
 * The one optimizer class: binds the variables on the first applyGradients (in the order given;
 * later calls must name the same variables), keeps the float64 master, gathers gradients, lets the
 * core Learner step, writes back. The four optimizers differ only in direction and quantization.
 */
export class CoreOptimizer extends tf.Optimizer {
  static className = 'QleOptimizer';
  private layout?: Layout;
  private learnerInstance?: Learner;
  master: Float64Array = new Float64Array(0);
  private gradient: Float64Array = new Float64Array(0);
  readonly stats: StepStats = { steps: 0, vanishedSteps: 0, raises: 0, zeroUpdates: 0 };
  /** Called after every step with the scheduler time it ran at (qle cifar10 --trace). */
  onStep?: (t: number, report: StepReport, learner: Learner, master: Float64Array) => void;

  constructor(
    readonly learningRate: number,
    readonly direction: DirectionName,
    readonly quantization?: QuantizationConfig,
    readonly adam: AdamHyper = ADAM_DEFAULTS,
  ) {
    super();
    if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new RangeError(`learning rate must be > 0, got ${learningRate}`);
  }

  /** Number of trainable weights (after bind). */
  get size(): number {
    return this.master.length;
  }

  /** The core learner (after bind). */
  get learner(): Learner {
    if (!this.learnerInstance) throw new Error('bind the optimizer to its variables first');
    return this.learnerInstance;
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
    this.layout = { names: variables.map((v) => v.name), variables, offsets, sizes };
    this.learnerInstance = new Learner({
      direction: this.direction,
      adam: this.adam,
      learningRate: this.learningRate,
      quantization: this.quantization && learnerQuantization(this.quantization, this.learningRate),
      tensors: variables.map((v) => ({ name: v.name, size: v.size })),
    });
    // Where the learner's quantize pass works in place (the wasm kernels' memory by default).
    this.master = this.learnerInstance.allocate(total);
    variables.forEach((v, i) => this.master.set(v.dataSync() as Float32Array, offsets[i]));
    this.gradient = this.learnerInstance.allocate(total);
  }

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
    const t = this.learner.scheduler?.t ?? this.stats.steps;
    const report = this.learner.step(this.master, this.gradient);
    if (this.quantization) this.count(report);
    this.onStep?.(t, report, this.learner, this.master);
    this.writeBack();
    this.stats.steps += 1;
    this.incrementIterations();
  }

  private count(report: StepReport): void {
    let vanished = 0;
    for (let i = 0; i < report.vanished.length; i++) {
      vanished |= report.vanished[i];
      this.stats.raises += report.raises[i];
    }
    this.stats.vanishedSteps += vanished;
    this.stats.zeroUpdates += report.zeroComponents;
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
  afterEpoch(): void {
    this.learner.endEpoch();
  }

  getState(): OptimizerState {
    return { master: Float64Array.from(this.master), learner: this.learner.state() };
  }

  /** Restore after bind(): master weights (written back to the variables) and the learner's state. */
  setState(state: OptimizerState): void {
    if (!this.layout) throw new Error('bind the optimizer before restoring its state');
    if (state.master.length !== this.master.length) throw new Error(`checkpoint holds ${state.master.length} weights, the model ${this.master.length}`);
    this.master.set(state.master);
    this.learner.restore(state.learner);
    this.writeBack();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, direction: this.direction, quantized: this.quantization !== undefined };
  }
}

export class SgdOptimizer extends CoreOptimizer {
  static override className = 'QleSgd';
  constructor(learningRate: number) {
    super(learningRate, 'sgd');
  }
}

export class AdamOptimizer extends CoreOptimizer {
  static override className = 'QleAdam';
  constructor(learningRate: number, adam: AdamHyper = ADAM_DEFAULTS) {
    super(learningRate, 'adam', undefined, adam);
  }
}

/** QSGD: the quantized learning equation on the SGD direction (Algorithm 1). */
export class QsgdOptimizer extends CoreOptimizer {
  static override className = 'QleQsgd';
  constructor(learningRate: number, quantization: QuantizationConfig = DEFAULT_QUANTIZATION) {
    super(learningRate, 'sgd', quantization);
  }
}

/** QtADAM: the quantized learning equation on the ADAM direction (Algorithm 1). */
export class QtAdamOptimizer extends CoreOptimizer {
  static override className = 'QleQtAdam';
  constructor(learningRate: number, quantization: QuantizationConfig = DEFAULT_QUANTIZATION, adam: AdamHyper = ADAM_DEFAULTS) {
    super(learningRate, 'adam', quantization, adam);
  }
}

/** One optimizer by name; ADAM's ε is the paper's 1e−8 unless `adam` says otherwise (reference: 1e−6). */
export function makeOptimizer(
  name: OptimizerName,
  learningRate: number,
  quantization: QuantizationConfig = DEFAULT_QUANTIZATION,
  adam: AdamHyper = ADAM_DEFAULTS,
): CoreOptimizer {
  switch (name) {
    case 'sgd':
      return new SgdOptimizer(learningRate);
    case 'adam':
      return new AdamOptimizer(learningRate, adam);
    case 'qsgd':
      return new QsgdOptimizer(learningRate, quantization);
    case 'qtadam':
      return new QtAdamOptimizer(learningRate, quantization, adam);
  }
}
