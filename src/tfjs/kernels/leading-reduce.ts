/**
 * Sum and Mean for the wasm backend when the reduced axes are the leading ones (a per-channel
 * statistic of an NHWC tensor: batch-norm's moments and every gradient of its γ, β, mean and
 * variance). The shipped kernels first transpose the reduced axes to the end (a full copy of the
 * activation); here one pass accumulates each channel in float64. Other reductions, and
 * non-float32 inputs, go to the shipped kernels.
 */
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callShipped, heapF32 } from './wasm-calls.ts';

/** How many leading axes are reduced, or null when the axes are not exactly 0 … k−1. */
export function leadingAxisCount(axes: readonly number[]): number | null {
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((axis, i) => axis === i) ? sorted.length : null;
}

/** target[k] = scale · Σ_r source[r · inner + k], accumulated in float64 (channel by channel within blocks of rows: the partial sum stays in a register). */
export function sumRows(source: Float32Array, rows: number, inner: number, scale: number, target: Float32Array): void {
  const total = new Float64Array(inner);
  const blockRows = Math.max(1, Math.floor(4096 / inner));
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const end = Math.min(rows, r0 + blockRows) * inner;
    for (let k = 0; k < inner; k++) {
      let sum = 0;
      for (let i = r0 * inner + k; i < end; i += inner) sum += source[i];
      total[k] += sum;
    }
  }
  for (let k = 0; k < inner; k++) target[k] = total[k] * scale;
}

function leadingReduction(kernelName: 'Sum' | 'Mean'): KernelFunc {
  const kernel = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: { axis: number | number[]; keepDims: boolean } }): TensorInfo => {
    const {
      inputs: { x },
      backend,
      attrs,
    } = args;
    const axes = util.parseAxisParam(attrs.axis, x.shape);
    const k = leadingAxisCount(axes);
    // k = 0 reduces nothing; reductions over trailing axes need no transpose in the shipped kernel either.
    if (k === null || k === 0 || x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) {
      return callShipped(backend, kernelName, { x }, attrs as unknown as Record<string, never>);
    }
    const rows = util.sizeFromShape(x.shape.slice(0, k));
    const kept = x.shape.slice(k);
    const out = backend.makeOutput(attrs.keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept, 'float32');
    sumRows(heapF32(backend, x), rows, util.sizeFromShape(kept), kernelName === 'Mean' ? 1 / rows : 1, heapF32(backend, out));
    return out;
  };
  return kernel as unknown as KernelFunc;
}

export const leadingSumConfig: KernelConfig = { kernelName: 'Sum', backendName: 'wasm', kernelFunc: leadingReduction('Sum') };
export const leadingMeanConfig: KernelConfig = { kernelName: 'Mean', backendName: 'wasm', kernelFunc: leadingReduction('Mean') };
