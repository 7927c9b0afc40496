/**
 * Identity for the wasm backend as a second reference to the same data (as its Reshape already
 * does, and as the cpu backend's Identity does). The shipped kernel copies: the engine clones every
 * tensor it saves for the backward pass, so each activation of a training step was held twice.
 * Safe because no wasm kernel writes into its inputs.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callShipped } from './wasm-calls.ts';

export function sharedIdentity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const {
    inputs: { x },
    backend,
  } = args;
  if (x.dtype === 'string') return callShipped(backend, 'Identity', { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const sharedIdentityConfig: KernelConfig = { kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity as unknown as KernelFunc };
