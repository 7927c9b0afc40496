/**
 * Batch normalisation over all axes but the channels (NHWC), as tfjs-layers' BatchNormalization
 * computes it (biased batch variance, moving averages m ← m − (1 − momentum)(m − batch value)), with
 * the same weights (gamma, beta, moving_mean, moving_variance, in that order), but in training
 * mode through one op, `batchNormTraining`, instead of moments + batchNorm. On a backend that has
 * the op's kernels (wasm, see kernels/batch-norm-training.ts) the forward pass and the gradient are
 * one fused kernel each (two or three passes over the activation instead of about twenty
 * elementwise ops and reductions); elsewhere the op is tfjs-layers' composition, unchanged.
 *
 * Gradient (x̂ = (x − μ)/σ, σ = √(var + ε), M = elements per channel):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = (γ/σ)·(dy − dβ/M − x̂·dγ/M).
 */
import * as tf from './tf.ts';

export const BATCH_NORM_TRAINING = 'QleBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'QleBatchNormTrainingGrad';

/** Has the active backend the fused kernels? */
export function hasFusedBatchNorm(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(BATCH_NORM_TRAINING, backend) !== undefined && tf.getKernel(BATCH_NORM_TRAINING_GRAD, backend) !== undefined;
}

/** Training-mode batch normalisation of x over every axis but the last: [y, batch mean, batch variance]. */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  if (hasFusedBatchNorm()) {
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
    return [y, mean as tf.Tensor1D, variance as tf.Tensor1D];
  }
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return [tf.batchNorm(x, mean, variance, beta, gamma, epsilon), mean as tf.Tensor1D, variance as tf.Tensor1D];
}

tf.registerGradient({
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma, mean, variance] = saved;
    const dyOut = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { dy: dyOut, x, gamma, mean, variance }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
  },
});

type LayerVariable = tf.LayerVariable;

/** The ResNets' batch-norm layer (see the module comment): weights and semantics of tfjs-layers' BatchNormalization. */
export class QleBatchNormalization extends tf.layers.Layer {
  static className = 'QleBatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean?: LayerVariable;
  private movingVariance?: LayerVariable;

  constructor(config: { momentum: number; epsilon: number; name?: string }) {
    super({ name: config.name });
    this.momentum = config.momentum;
    this.epsilon = config.epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels === null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones(), undefined, true);
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [gamma, beta, movingMean, movingVariance] = [this.gamma, this.beta, this.movingMean, this.movingVariance] as LayerVariable[];
      if (!kwargs.training) {
        return tf.batchNorm(x, movingMean.read(), movingVariance.read(), beta.read(), gamma.read(), this.epsilon);
      }
      const [y, mean, variance] = batchNormTraining(x, gamma.read() as tf.Tensor1D, beta.read() as tf.Tensor1D, this.epsilon);
      for (const [moving, value] of [
        [movingMean, mean],
        [movingVariance, variance],
      ] as const) {
        const old = moving.read();
        moving.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
      }
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(QleBatchNormalization);
