/** The networks of SPEC §8, checked by structure and parameter count without training them. */
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tfjs/tf.ts';
import { loadTf } from '../../src/tfjs/backend.ts';
import { buildMlp, buildResNet, initializeWeights, OptionAShortcut, trainableParams } from '../../src/tfjs/models.ts';
import { QleBatchNormalization } from '../../src/tfjs/batch-norm.ts';

await loadTf({ quiet: true });

/** Trainable parameters of ResNet-(6n+2): convs (stem, stage 1: 2n of 16→16, stages 2–3: one widening conv + 2n−1), BN γ/β, dense. */
function resnetParams(n: number): number {
  const conv = 9 * (3 * 16 + 2 * n * 16 * 16 + 16 * 32 + (2 * n - 1) * 32 * 32 + 32 * 64 + (2 * n - 1) * 64 * 64);
  const bn = 2 * ((2 * n + 1) * 16 + 2 * n * 32 + 2 * n * 64);
  return conv + bn + 64 * 10 + 10;
}

const countLayers = (model: tf.LayersModel, className: string) => model.layers.filter((l) => l.getClassName() === className).length;

describe('ResNet-(6n+2) with option-A shortcuts', () => {
  it('ResNet-32: 31 convolutions + 1 dense = 32 weighted layers, 464,154 trainable parameters (≈0.46M)', () => {
    const model = buildResNet(5);
    expect(countLayers(model, 'Conv2D')).toBe(31);
    expect(countLayers(model, 'Dense')).toBe(1);
    expect(countLayers(model, 'QleBatchNormalization')).toBe(31);
    // Two stage transitions (16→32, 32→64) use the parameter-free option-A shortcut.
    expect(countLayers(model, 'QleOptionAShortcut')).toBe(2);
    expect(trainableParams(model)).toBe(resnetParams(5));
    expect(trainableParams(model)).toBe(464_154);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
  });

  it('ResNet-20 and ResNet-8 have 269,722 and 75,290 trainable parameters', () => {
    const r20 = buildResNet(3);
    const r8 = buildResNet(1);
    expect(trainableParams(r20)).toBe(resnetParams(3));
    expect(trainableParams(r8)).toBe(resnetParams(1));
    expect(resnetParams(3)).toBe(269_722);
    expect(resnetParams(1)).toBe(75_290);
    expect(countLayers(r20, 'Conv2D') + countLayers(r20, 'Dense')).toBe(20);
    expect(countLayers(r8, 'Conv2D') + countLayers(r8, 'Dense')).toBe(8);
    r20.dispose();
    r8.dispose();
  });

  it('the option-A shortcut subsamples by 2 and zero-pads channels on both sides', () => {
    const layer = new OptionAShortcut({ padChannels: 2 });
    const x = tf.tensor4d(Array.from({ length: 4 * 4 * 2 }, (_, i) => i + 1), [1, 4, 4, 2]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 2, 6]);
    const values = y.arraySync() as number[][][][];
    // pixel (0,0) channels: [0,0, x[0,0,0], x[0,0,1], 0,0]; pixel (1,1) is x at (2,2).
    expect(values[0][0][0]).toEqual([0, 0, 1, 2, 0, 0]);
    expect(values[0][1][1]).toEqual([0, 0, 21, 22, 0, 0]);
    tf.dispose([x, y]);
  });

  it('the batch-norm layer is tfjs-layers\' BatchNormalization: same weights, outputs and moving statistics (bit for bit on cpu, without fused kernels)', async () => {
    const previous = tf.getBackend();
    await loadTf({ backend: 'cpu', quiet: true });
    const config = { momentum: 0.9, epsilon: 1e-5 };
    const ours = new QleBatchNormalization({ ...config, name: 'ours' });
    const theirs = tf.layers.batchNormalization({ ...config, name: 'theirs' });
    const x = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => Math.cos(i) * (1 + (i % 4))), [2, 3, 3, 4]);
    ours.build(x.shape);
    theirs.build(x.shape);
    expect(ours.weights.map((w) => w.originalName)).toEqual(theirs.weights.map((w) => w.originalName.replace('theirs', 'ours')));
    const gamma = tf.tensor1d([1.5, 0.5, 2, 1]);
    ours.setWeights([gamma, ...theirs.getWeights().slice(1)]);
    theirs.setWeights([gamma, ...theirs.getWeights().slice(1)]);
    const run = (layer: tf.layers.Layer, training: boolean) => Array.from((layer.apply(x, { training }) as tf.Tensor).dataSync());
    const compare = (a: number[], b: number[]) => expect(a).toEqual(b);
    compare(run(ours, true), run(theirs, true));
    ours.getWeights().forEach((w, i) => compare(Array.from(w.dataSync()), Array.from(theirs.getWeights()[i].dataSync())));
    compare(run(ours, false), run(theirs, false));
    tf.dispose([x, gamma]);
    await tf.setBackend(previous);
  });

  it('Kaiming-normal fan-out initialisation is seeded and has std √(2/fan_out)', () => {
    const a = buildResNet(1);
    const b = buildResNet(1);
    initializeWeights(a, 5, 'out');
    initializeWeights(b, 5, 'out');
    const kernel = (m: tf.LayersModel, name: string) => m.weights.find((w) => w.originalName === name)!.read().dataSync();
    expect(Array.from(kernel(a, 'stage3_block1_conv2/kernel'))).toEqual(Array.from(kernel(b, 'stage3_block1_conv2/kernel')));
    const k = kernel(a, 'stage3_block1_conv2/kernel');
    const variance = Array.from(k).reduce((s, v) => s + v * v, 0) / k.length;
    expect(Math.sqrt(variance)).toBeCloseTo(Math.sqrt(2 / (9 * 64)), 2);
    a.dispose();
    b.dispose();
  });

  it('the MLP is 3072-256-10 (789,258 parameters)', () => {
    const m = buildMlp();
    expect(trainableParams(m)).toBe(3072 * 256 + 256 + 256 * 10 + 10);
    m.dispose();
  });
});
