/**
 * The tfjs quantized optimizers' per-weight update runs through the wasm quantize pass by default
 * (issue 14): on a small network, QSGD and QtADAM with the kernels on and off (QLE_WASM=0) keep the
 * same float64 master weights and indices, bit for bit, under every named reading.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tfjs/tf.ts';
import { READINGS, READING_NAMES } from '../../src/core/reading.ts';
import { createRng, fillNormal } from '../../src/core/rng.ts';
import { loadTf } from '../../src/tfjs/backend.ts';
import { DEFAULT_QUANTIZATION, QsgdOptimizer, QtAdamOptimizer, type CoreOptimizer, type QuantizationConfig } from '../../src/tfjs/optimizers.ts';
import { withKernels } from '../../src/wasm/kernels.ts';

await loadTf({ quiet: true });

function train(makeOptimizer: () => CoreOptimizer, kernelsOn: boolean, steps: number): { master: number[][]; p: number[][]; kind: string | null } {
  const out = { master: [] as number[][], p: [] as number[][], kind: null as string | null };
  tf.tidy(() => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 4, activation: 'tanh' }), tf.layers.dense({ units: 3 })] });
    const rng = createRng(21);
    model.setWeights(
      model.weights.map((w) =>
        tf.tensor(
          Float32Array.from(fillNormal(rng, new Float64Array(w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number), 0.5)),
          w.shape as number[],
        ),
      ),
    );
    const x = tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(40))), [8, 5]);
    const y = tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(24))), [8, 3]);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = withKernels(kernelsOn, makeOptimizer);
    withKernels(kernelsOn, () => optimizer.bind(variables));
    out.kind = optimizer.learner.passKind;
    for (let step = 0; step < steps; step++) {
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, variables);
      optimizer.applyGradients(grads);
      out.master.push(Array.from(optimizer.master));
      out.p.push(Array.from(optimizer.learner.scheduler?.indices ?? []));
    }
    optimizer.dispose();
  });
  return out;
}

describe('tfjs QSGD / QtADAM: wasm quantize pass = JS pass', () => {
  for (const name of READING_NAMES) {
    const quantization: QuantizationConfig = { ...DEFAULT_QUANTIZATION, reading: READINGS[name], timeUnit: 'step' };
    for (const [label, make] of [
      ['QSGD', () => new QsgdOptimizer(2 ** -5, quantization)],
      ['QtADAM', () => new QtAdamOptimizer(2 ** -7, quantization)],
    ] as const) {
      it(`${label}, ${name} reading`, () => {
        const wasm = train(make, true, 30);
        const js = train(make, false, 30);
        expect(wasm.kind).toBe('wasm');
        expect(js.kind).toBe('js');
        expect(wasm.p).toEqual(js.p);
        for (let step = 0; step < js.master.length; step++) {
          js.master[step].forEach((w, i) => {
            if (!Object.is(w, wasm.master[step][i])) throw new Error(`step ${step}, weight ${i}: JS ${w}, wasm ${wasm.master[step][i]}`);
          });
        }
        // The weights moved and the indices were raised: the comparison is not of idle optimizers.
        expect(js.master[29].some((w, i) => w !== js.master[0][i])).toBe(true);
        expect(Math.max(...js.p[29])).toBeGreaterThan(quantization.schedule.p0);
      });
    }
  }
});
