/**
 * Tile for the wasm backend when it is a broadcast: every tiled axis comes before every untiled
 * one and has size 1 in the input, so the output is the whole input repeated. Batch-norm's
 * gradient emits exactly this (1/√(σ²+ε) of shape [1, 1, 1, C] tiled to [N, H, W, C]); the shipped
 * kernel computes an index per element, this copies the block and then doubles the filled prefix
 * (log₂ of the repeat count memcpy's). Any other Tile goes to the shipped kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callShipped } from './wasm-calls.ts';

/** How many times the whole input repeats, or null when the tile is not a leading broadcast. */
export function leadingRepeats(shape: readonly number[], reps: readonly number[]): number | null {
  let firstKept = reps.length;
  while (firstKept > 0 && reps[firstKept - 1] === 1) firstKept--;
  for (let axis = 0; axis < firstKept; axis++) if (shape[axis] !== 1) return null;
  return reps.slice(0, firstKept).reduce((a, b) => a * b, 1);
}

export function broadcastTile(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: { reps: number[] } }): TensorInfo {
  const {
    inputs: { x },
    backend,
    attrs: { reps },
  } = args;
  const repeats = leadingRepeats(x.shape, reps);
  if (repeats === null || x.dtype === 'string') return callShipped(backend, 'Tile', { x }, { reps });
  const out = backend.makeOutput(
    x.shape.map((d, axis) => d * reps[axis]),
    x.dtype,
  );
  const target = backend.typedArrayFromHeap(out);
  const source = backend.typedArrayFromHeap(x);
  const block = util.sizeFromShape(x.shape);
  const total = block * repeats;
  target.set(source.subarray(0, block), 0);
  for (let filled = block; filled < total; filled *= 2) target.copyWithin(filled, 0, Math.min(filled, total - filled));
  return out;
}

export const broadcastTileConfig: KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: broadcastTile as unknown as KernelFunc,
};
