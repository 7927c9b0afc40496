/**
 * Conv2DBackpropFilter for the wasm backend (which ships none) as one dilated XNNPACK convolution.
 *
 *   dW[i, j, ci, co] = Σ_{n, ho, wo} xpad[n, ho·s + i, wo·s + j, ci] · dy[n, ho, wo, co]
 *
 * is a convolution whose "batch" is ci and whose summed "channels" are the images n: input
 * x transposed to [Ci, H, W, N] (zero-padded as in the forward pass), filter dy transposed to
 * [Ho, Wo, N, Co], dilation s (the forward stride), stride 1. Its output [Ci, kh, kw, Co] (sliced
 * when 'valid' leaves rows the forward pass never read) transposed to [kh, kw, Ci, Co] is dW.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardInfo, type ConvAttrs } from './conv-geometry.ts';
import { conv2d, release, slice, transpose } from './wasm-calls.ts';

interface Attrs extends ConvAttrs {
  readonly filterShape: [number, number, number, number];
}

export function conv2dBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const {
    inputs: { x, dy },
    backend,
    attrs,
  } = args;
  const info = forwardInfo('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  const { filterHeight: kh, filterWidth: kw, inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  // Only as much bottom/right padding as the last window reaches, so the output is kh × kw unless
  // the forward pass skipped trailing rows or columns ('valid' with a remainder): then slice.
  const bottom = Math.max(0, kh + (outHeight - 1) * strideHeight - inHeight - top);
  const right = Math.max(0, kw + (outWidth - 1) * strideWidth - inWidth - left);
  const images = transpose(backend, x, [3, 1, 2, 0]);
  const gradients = transpose(backend, dy, [1, 2, 0, 3]);
  const full = conv2d(backend, images, gradients, {
    strides: [1, 1],
    dilations: [strideHeight, strideWidth],
    padding: { top, bottom, left, right },
  });
  const exact = full.shape[1] === kh && full.shape[2] === kw ? full : slice(backend, full, [0, 0, 0, 0], [inChannels, kh, kw, outChannels]);
  const dW = transpose(backend, exact, [1, 2, 0, 3]);
  release(backend, images, gradients, full);
  if (exact !== full) release(backend, exact);
  return dW;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
