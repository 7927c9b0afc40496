/**
 * A ResNet-8 training step on the wasm backend equals the cpu backend's (loss, every gradient, the
 * batch-norm moving statistics) within relative 1e-5 per tensor; each of qle's wasm kernels is
 * needed: with one put back to the shipped kernel (or, for the filter gradient, to none) the
 * registration check names it, and without Conv2DBackpropFilter the step fails.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tfjs/tf.ts';
import { loadTf } from '../../src/tfjs/backend.ts';
import { buildModel, initializeWeights } from '../../src/tfjs/models.ts';
import { missingTrainingKernels, registerWasmTrainingKernels, restoreShipped, WASM_TRAINING_KERNELS } from '../../src/tfjs/kernels/register.ts';
import { relativeDifference } from './relative-difference.ts';

await loadTf({ backend: 'wasm' });
await loadTf({ backend: 'cpu', quiet: true });

const BATCH = 2;
const images = Float32Array.from({ length: BATCH * 32 * 32 * 3 }, (_, i) => Math.sin(0.37 * i));

/** One training step of a seeded ResNet-8: the loss, the gradients and the updated moving statistics, by name. */
function resnet8Step(backend: string): Map<string, Float32Array> {
  tf.setBackend(backend);
  const model = buildModel('resnet8');
  initializeWeights(model, 3, 'out');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const result = new Map<string, Float32Array>();
  try {
    tf.tidy(() => {
      const x = tf.tensor4d(images, [BATCH, 32, 32, 3]);
      const y = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        variables,
      );
      result.set('loss', value.dataSync() as Float32Array);
      model.trainableWeights.forEach((w, i) => result.set(`grad ${w.originalName}`, grads[variables[i].name].dataSync() as Float32Array));
      for (const w of model.weights.filter((w) => !w.trainable)) result.set(w.originalName, w.read().dataSync() as Float32Array);
    });
    return result;
  } finally {
    model.dispose();
    tf.setBackend('wasm');
  }
}

describe('ResNet-8 on wasm', () => {
  it('one training step equals the cpu backend within relative 1e-5 (loss, 23 gradients, 14 moving statistics)', () => {
    const wasm = resnet8Step('wasm');
    const cpu = resnet8Step('cpu');
    expect([...wasm.keys()]).toEqual([...cpu.keys()]);
    expect(wasm.size).toBe(1 + 23 + 14);
    const worst = [...wasm.entries()].map(([name, v]) => ({ name, d: relativeDifference(v, cpu.get(name)!) })).sort((a, b) => b.d - a.d)[0];
    expect(worst.d, worst.name).toBeLessThanOrEqual(1e-5);
  });

  it('every kernel of qle is needed: with one unregistered the check names it; without the filter gradient the step fails', () => {
    expect(missingTrainingKernels()).toEqual([]);
    try {
      for (const { kernelName } of WASM_TRAINING_KERNELS) {
        restoreShipped(kernelName);
        expect(missingTrainingKernels()).toEqual([kernelName]);
        if (kernelName === 'Conv2DBackpropFilter') expect(() => resnet8Step('wasm')).toThrow(/Conv2DBackpropFilter/);
        registerWasmTrainingKernels();
      }
    } finally {
      registerWasmTrainingKernels();
    }
    expect(missingTrainingKernels()).toEqual([]);
  });
});
