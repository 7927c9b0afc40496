/**
 * The networks of the CIFAR-10 experiment (SPEC §8): ResNet-(6n+2) with option-A shortcuts
 * (ResNet-32: n = 5; ResNet-20: n = 3; ResNet-8: n = 1) and a one-hidden-layer MLP for small scale.
 * Initial weights come from the core's seeded rng (not tfjs's initialisers), so a seed fixes them.
 */
import * as tf from './tf.ts';
import { createRng, fillNormal } from '../core/rng.ts';
import { IMAGE_SIZE, NUM_CLASSES } from './data.ts';
import { QleBatchNormalization } from './batch-norm.ts';

export { MODEL_NAMES, type ModelName } from './names.ts';
import type { ModelName } from './names.ts';

/** n of ResNet-(6n+2) per model name. */
export const RESNET_DEPTH_N: Record<Exclude<ModelName, 'mlp'>, number> = { resnet32: 5, resnet20: 3, resnet8: 1 };

/** Hidden width of the MLP. */
export const MLP_HIDDEN = 256;

/**
 * Option-A shortcut (He et al. 2016, the CIFAR ResNets): subsample by 2 in height and width, then
 * zero-pad the channels on both sides; no parameters. Subsampling is a 1×1 average pool with stride
 * 2 (= x[:, ::2, ::2, :]), which, unlike stridedSlice, has a gradient in tfjs.
 */
export class OptionAShortcut extends tf.layers.Layer {
  static className = 'QleOptionAShortcut';
  readonly padChannels: number;

  constructor(config: { padChannels: number; name?: string }) {
    super({ name: config.name });
    this.padChannels = config.padChannels;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    const half = (d: number | null) => (d === null ? null : Math.ceil(d / 2));
    return [shape[0], half(shape[1]), half(shape[2]), (shape[3] as number) + 2 * this.padChannels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const sub = tf.avgPool(x, 1, 2, 'valid');
      return tf.pad(sub, [
        [0, 0],
        [0, 0],
        [0, 0],
        [this.padChannels, this.padChannels],
      ]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padChannels: this.padChannels };
  }
}
tf.serialization.registerClass(OptionAShortcut);

/** PyTorch's BatchNorm2d defaults (momentum 0.1 there = 0.9 here, ε = 1e−5), as the reference;
 * tfjs-layers' semantics, one fused op in training (batch-norm.ts). */
const batchNorm = (name: string) => new QleBatchNormalization({ momentum: 0.9, epsilon: 1e-5, name });

function conv(filters: number, strides: number, name: string) {
  return tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, name });
}

/** One basic block: conv-BN-ReLU-conv-BN, plus shortcut, ReLU. */
function basicBlock(x: tf.SymbolicTensor, inPlanes: number, planes: number, stride: number, name: string): tf.SymbolicTensor {
  let out = conv(planes, stride, `${name}_conv1`).apply(x) as tf.SymbolicTensor;
  out = batchNorm(`${name}_bn1`).apply(out) as tf.SymbolicTensor;
  out = tf.layers.reLU().apply(out) as tf.SymbolicTensor;
  out = conv(planes, 1, `${name}_conv2`).apply(out) as tf.SymbolicTensor;
  out = batchNorm(`${name}_bn2`).apply(out) as tf.SymbolicTensor;
  const shortcut =
    stride !== 1 || inPlanes !== planes
      ? (new OptionAShortcut({ padChannels: (planes - inPlanes) / 2, name: `${name}_shortcut` }).apply(x) as tf.SymbolicTensor)
      : x;
  out = tf.layers.add().apply([out, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU().apply(out) as tf.SymbolicTensor;
}

/** ResNet-(6n+2) for 32×32×3 inputs (SPEC §8): 16/32/64 channels, 8×8 global average pool, dense 10. */
export function buildResNet(n: number): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = conv(16, 1, 'stem_conv').apply(input) as tf.SymbolicTensor;
  x = batchNorm('stem_bn').apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  let inPlanes = 16;
  [16, 32, 64].forEach((planes, stage) => {
    for (let block = 0; block < n; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(x, inPlanes, planes, stride, `stage${stage + 1}_block${block + 1}`);
      inPlanes = planes;
    }
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: NUM_CLASSES, name: 'fc' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: `resnet${6 * n + 2}` });
}

/** 3072-256-10 ReLU MLP on the flattened HWC image. */
export function buildMlp(hidden = MLP_HIDDEN): tf.LayersModel {
  return tf.sequential({
    name: `mlp${hidden}`,
    layers: [
      tf.layers.dense({ inputShape: [IMAGE_SIZE], units: hidden, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: NUM_CLASSES, name: 'fc' }),
    ],
  });
}

export function buildModel(name: ModelName): tf.LayersModel {
  return name === 'mlp' ? buildMlp() : buildResNet(RESNET_DEPTH_N[name]);
}

/** Does the model take flat [batch, 3072] inputs (MLP) or [batch, 32, 32, 3] images? */
export function inputShapeOf(name: ModelName): number[] {
  return name === 'mlp' ? [IMAGE_SIZE] : [32, 32, 3];
}

/**
 * Seeded initialisation: kernels Kaiming-normal N(0, 2/fan) with fan = fan-out for the ResNets
 * (SPEC §8; conv fan-out = 3·3·filters, dense fan-out = units) and fan-in for the MLP (fan-out
 * would give its 10 logits a standard deviation near 10 at the start); biases and BN β zero, BN γ
 * one, moving mean 0, moving variance 1.
 */
export function initializeWeights(model: tf.LayersModel, seed: number, fan: 'out' | 'in'): void {
  const rng = createRng(seed);
  const values: tf.Tensor[] = model.weights.map((weight) => {
    const shape = weight.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const name = weight.originalName;
    if (/kernel$/.test(name)) {
      const fanOut = shape.length === 4 ? shape[0] * shape[1] * shape[3] : shape[1];
      const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[0];
      const std = Math.sqrt(2 / (fan === 'out' ? fanOut : fanIn));
      return tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(size), std)), shape);
    }
    if (/(gamma|moving_variance)$/.test(name)) return tf.ones(shape);
    return tf.zeros(shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

export function fanFor(name: ModelName): 'out' | 'in' {
  return name === 'mlp' ? 'in' : 'out';
}

/** Trainable parameter count (BN moving statistics excluded). */
export function trainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}
