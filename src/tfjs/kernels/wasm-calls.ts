/**
 * Calling the kernels shipped with @tensorflow/tfjs-backend-wasm from inside another kernel: on
 * TensorInfos, straight to the kernel function (no engine, no tape, no tidy), so every
 * intermediate must be released by the caller. The shipped functions are captured once, before
 * any of ours replaces a kernel of the same name.
 */
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const captured = new Map<string, KernelConfig>();

/** The wasm build's own kernel `name` (captured on first use, so later replacements do not leak in). */
export function shippedConfig(name: string): KernelConfig {
  let config = captured.get(name);
  if (!config) {
    config = getKernel(name, 'wasm');
    if (!config) throw new Error(`the wasm backend has no kernel ${name}`);
    captured.set(name, config);
  }
  return config;
}

export function shippedKernel(name: string): KernelFunc {
  return shippedConfig(name).kernelFunc;
}

/** Capture the shipped kernels named before they are replaced (registration calls this first). */
export function captureShipped(names: readonly string[]): void {
  for (const name of names) shippedConfig(name);
}

export function callShipped(backend: BackendWasm, name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  return shippedKernel(name)({ inputs, backend, attrs }) as TensorInfo;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return callShipped(backend, 'Transpose', { x }, { perm });
}

export function slice(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return callShipped(backend, 'Slice', { x }, { begin, size });
}

/** [top, bottom] and [left, right] zero padding, as tfjs's explicit padding of an NHWC tensor. */
export interface Padding2D {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** XNNPACK's convolution (the wasm Conv2D kernel), NHWC, with explicit padding and [height, width] strides and dilations. */
export function conv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  options: { strides: [number, number]; dilations: [number, number]; padding: Padding2D },
): TensorInfo {
  const { top, bottom, left, right } = options.padding;
  return callShipped(
    backend,
    'Conv2D',
    { x, filter },
    {
      strides: options.strides,
      dilations: options.dilations,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
}

/** Release intermediates made by a kernel (the engine never saw them). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A fresh float32 view of a tensor on the wasm heap (take it after the last allocation: growing the heap detaches old views). */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}
