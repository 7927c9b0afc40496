/**
 * qle's wasm kernels (src/tfjs/kernels) against tfjs's cpu backend: conv2d forward and both
 * gradients for strides 1 and 2, 'same' and 'valid' padding, odd sizes; the broadcast Tile, the
 * leading-axis Sum/Mean, the fused batch norm and its gradient. Relative difference =
 * max|wasm − cpu| / max|cpu| per tensor, ≤ 1e-5. Each comparison is also run against a deliberately
 * wrong kernel, which it must catch. The wasm binaries load from node_modules: fetch is never called.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/tfjs/tf.ts';
import { createRng } from '../../src/core/rng.ts';
import { relativeDifference } from './relative-difference.ts';

// Any download attempt while the wasm backend loads fails the suite (checked below).
const fetchCalls: string[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = ((input: unknown) => {
  fetchCalls.push(String(input));
  return Promise.reject(new Error('no downloads in tests'));
}) as typeof fetch;
const { loadTf } = await import('../../src/tfjs/backend.ts');
const { backend } = await loadTf({ backend: 'wasm' });
globalThis.fetch = realFetch;
await loadTf({ backend: 'cpu', quiet: true });
const { batchNormTraining } = await import('../../src/tfjs/batch-norm.ts');
const { registerWasmTrainingKernels, isOursRegistered, WASM_TRAINING_KERNELS } = await import('../../src/tfjs/kernels/register.ts');
const { callShipped, release } = await import('../../src/tfjs/kernels/wasm-calls.ts');

const TOLERANCE = 1e-5;

/** Run f on wasm and on cpu; the largest per-tensor relative difference of its outputs. */
function wasmVsCpu(f: () => tf.Tensor[]): number {
  const on = (name: string) => {
    tf.setBackend(name);
    return tf.tidy(() => f().map((t) => t.dataSync().slice()));
  };
  const wasm = on('wasm');
  const cpu = on('cpu');
  tf.setBackend('wasm');
  return Math.max(...wasm.map((w, i) => relativeDifference(w, cpu[i])));
}

function values(seed: number, size: number, offset = 0): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => 2 * rng.uniform() - 1 + offset);
}

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: 1 | 2;
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

// Odd heights and widths, non-square filters and channel counts, both strides and paddings.
const CASES: ConvCase[] = [
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' },
  { x: [3, 9, 7, 5], filter: [3, 3, 5, 6], stride: 1, pad: 'valid' },
  { x: [3, 9, 7, 5], filter: [3, 3, 5, 6], stride: 2, pad: 'valid' },
  { x: [2, 8, 11, 4], filter: [5, 3, 4, 2], stride: 2, pad: 'valid' },
  { x: [1, 5, 5, 2], filter: [1, 1, 2, 3], stride: 2, pad: 'same' },
  { x: [4, 16, 16, 8], filter: [3, 3, 8, 16], stride: 2, pad: 'same' },
  { x: [2, 6, 6, 16], filter: [3, 3, 16, 16], stride: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [5, 5, 3, 4], stride: 2, pad: 'same' },
  // Explicit padding of kh or more: the input gradient falls back to the shipped kernel.
  {
    x: [2, 5, 6, 3],
    filter: [3, 3, 3, 2],
    stride: 1,
    pad: [
      [0, 0],
      [3, 1],
      [0, 4],
      [0, 0],
    ],
  },
  {
    x: [2, 5, 6, 3],
    filter: [3, 3, 3, 2],
    stride: 2,
    pad: [
      [0, 0],
      [3, 3],
      [1, 0],
      [0, 0],
    ],
  },
];

/** The forward convolution and the gradients of Σ w·conv(x, f) with respect to x and f. */
function convAndGradients(c: ConvCase, seed: number): () => tf.Tensor[] {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const xs = values(seed, size(c.x));
  const fs = values(seed + 1, size(c.filter));
  return () => {
    const x = tf.tensor4d(xs, c.x);
    const filter = tf.tensor4d(fs, c.filter);
    const y = tf.conv2d(x, filter, c.stride, c.pad);
    const weights = tf.tensor(values(seed + 2, y.size), y.shape);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), weights)))([
      x,
      filter,
    ]);
    return [y, dx, df];
  };
}

/** Replace our kernel `name` by `kernelFunc` for the duration of f (then re-register ours). */
function withKernel<T>(name: string, kernelFunc: tf.KernelFunc, f: () => T): T {
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  try {
    return f();
  } finally {
    registerWasmTrainingKernels();
  }
}

const ours = (name: string) => WASM_TRAINING_KERNELS.find((k) => k.kernelName === name)!.kernelFunc;

afterAll(() => tf.setBackend('wasm'));

describe('wasm backend', () => {
  it("loads from node_modules (no fetch) and registers all of qle's kernels", () => {
    expect(backend).toBe('wasm');
    expect(fetchCalls).toEqual([]);
    for (const { kernelName } of WASM_TRAINING_KERNELS) expect(isOursRegistered(kernelName), kernelName).toBe(true);
  });

  it('dataSync and arraySync read results back', () => {
    tf.setBackend('wasm');
    const t = tf.tidy(() => tf.conv2d(tf.ones([1, 3, 3, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'same'));
    expect(Array.from(t.dataSync())).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    expect(t.arraySync()).toEqual([
      [
        [[4], [6], [4]],
        [[6], [9], [6]],
        [[4], [6], [4]],
      ],
    ]);
    t.dispose();
  });
});

describe('conv2d on wasm = cpu (forward, dx, dfilter), relative difference ≤ 1e-5', () => {
  for (const [i, c] of CASES.entries()) {
    it(`x ${c.x.join('×')}, filter ${c.filter.join('×')}, stride ${c.stride}, ${JSON.stringify(c.pad)}`, () => {
      expect(wasmVsCpu(convAndGradients(c, 10 * i + 1))).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('catches a wrong filter gradient (dilation 1 instead of the stride) and a wrong input gradient (filter not flipped)', () => {
    const wrongFilter: tf.KernelFunc = (args) => ours('Conv2DBackpropFilter')({ ...args, attrs: { ...args.attrs, strides: [1, 1] } });
    expect(withKernel('Conv2DBackpropFilter', wrongFilter, () => wasmVsCpu(convAndGradients(CASES[1], 3)))).toBeGreaterThan(1e-2);
    const unflipped: tf.KernelFunc = (args) => {
      // Rotating the filter by 180° first makes our kernel's own flip cancel out.
      const backend = args.backend as Parameters<typeof callShipped>[0];
      const { filter } = args.inputs as { filter: tf.TensorInfo };
      const rotated = callShipped(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
      try {
        return ours('Conv2DBackpropInput')({ ...args, inputs: { ...args.inputs, filter: rotated } });
      } finally {
        release(backend, rotated);
      }
    };
    expect(withKernel('Conv2DBackpropInput', unflipped, () => wasmVsCpu(convAndGradients(CASES[0], 5)))).toBeGreaterThan(1e-2);
  });
});

describe('Tile, Sum, Mean, Identity, batch norm on wasm = cpu', () => {
  it('Tile: broadcast [1, 1, 1, C] → [N, H, W, C] (batch-norm gradient) and a non-broadcast tile (shipped kernel)', () => {
    const v = values(7, 2 * 3 * 5);
    expect(wasmVsCpu(() => [tf.tile(tf.tensor4d(v.subarray(0, 5), [1, 1, 1, 5]), [3, 4, 2, 1]), tf.tile(tf.tensor3d(v, [2, 3, 5]), [2, 1, 3])])).toBe(0);
    const wrong: tf.KernelFunc = (args) => ours('Tile')({ ...args, attrs: { reps: (args.attrs!.reps as number[]).map((r, i) => (i === 0 ? r : 1)) } });
    expect(withKernel('Tile', wrong, () => wasmVsCpu(() => [tf.tile(tf.tensor4d(v.subarray(0, 5), [1, 1, 1, 5]), [3, 4, 2, 1])]))).toBeGreaterThan(TOLERANCE);
  });

  it('Sum and Mean over the leading axes (per-channel statistics) and over other axes (shipped kernels)', () => {
    const v = values(8, 3 * 7 * 5 * 6, 0.5);
    const d = wasmVsCpu(() => {
      const x = tf.tensor4d(v, [3, 7, 5, 6]);
      return [tf.sum(x, [0, 1, 2]), tf.mean(x, [0, 1, 2]), tf.sum(x, [1, 0], true), tf.mean(x), tf.sum(x, [1, 3]), tf.mean(x, -1)];
    });
    expect(d).toBeLessThanOrEqual(TOLERANCE);
    const wrong: tf.KernelFunc = (args) => ours('Sum')({ ...args, attrs: { ...args.attrs, axis: [0, 1] } });
    expect(withKernel('Sum', wrong, () => wasmVsCpu(() => [tf.sum(tf.tensor4d(v, [3, 7, 5, 6]), [0, 1, 2])]))).toBeGreaterThan(TOLERANCE);
  });

  it('Identity shares the data: a clone survives disposing the original', () => {
    tf.setBackend('wasm');
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
  });

  it('fused batch norm: output, batch moments and the gradients of x, γ, β', () => {
    const shape: [number, number, number, number] = [4, 5, 7, 6];
    const size = 4 * 5 * 7 * 6;
    const [xs, gs, bs, ws] = [values(9, size, 3), values(10, 6, 1.5), values(11, 6), values(12, size)];
    const bn = () => {
      const x = tf.tensor4d(xs, shape);
      const gamma = tf.tensor1d(gs);
      const beta = tf.tensor1d(bs);
      const weights = tf.tensor4d(ws, shape);
      const [y, mean, variance] = batchNormTraining(x, gamma, beta, 1e-5);
      const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5)[0], weights)),
      )([x, gamma, beta]);
      return [y, mean, variance, ...grads];
    };
    expect(wasmVsCpu(bn)).toBeLessThanOrEqual(TOLERANCE);
    const wrong: tf.KernelFunc = (args) => ours('QleBatchNormTrainingGrad')({ ...args, attrs: { epsilon: 1 } });
    expect(withKernel('QleBatchNormTrainingGrad', wrong, () => wasmVsCpu(bn))).toBeGreaterThan(1e-3);
  });
});
