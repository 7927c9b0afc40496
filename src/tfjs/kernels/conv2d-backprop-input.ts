/**
 * Conv2DBackpropInput for the wasm backend as one XNNPACK convolution (the shipped kernel is a
 * scalar loop). With stride s and forward padding (pt, pl):
 *
 *   dx[n, h, w, ci] = Σ_{i, j, co} D[n, h + pt − i, w + pl − j, co] · W[i, j, ci, co]
 *
 * where D is dy with s − 1 zeros inserted between its rows and columns. That is a stride-1
 * convolution of D with the filter flipped in space and transposed to [kh, kw, Co, Ci], padded
 * kh − 1 − pt on top and kw − 1 − pl on the left, and on the far sides as much as makes the
 * output H × W.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardInfo, type ConvAttrs } from './conv-geometry.ts';
import { callShipped, conv2d, heapF32, release } from './wasm-calls.ts';

interface Attrs extends ConvAttrs {
  readonly inputShape: [number, number, number, number];
}

/** dy [N, Ho, Wo, C] → [N, (Ho−1)·sh + 1, (Wo−1)·sw + 1, C] with zeros between the rows and columns. */
export function zeroDilate(backend: BackendWasm, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  const [batch, rows, cols, channels] = dy.shape;
  const dilatedRows = (rows - 1) * strideHeight + 1;
  const dilatedCols = (cols - 1) * strideWidth + 1;
  const out = backend.makeOutput([batch, dilatedRows, dilatedCols, channels], 'float32');
  const target = heapF32(backend, out);
  const source = heapF32(backend, dy);
  target.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const from = ((n * rows + r) * cols + c) * channels;
        const to = ((n * dilatedRows + r * strideHeight) * dilatedCols + c * strideWidth) * channels;
        target.set(source.subarray(from, from + channels), to);
      }
    }
  }
  return out;
}

/** W [kh, kw, Ci, Co] → W'[i, j, co, ci] = W[kh − 1 − i, kw − 1 − j, ci, co]. */
export function flipTransposeFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const out = backend.makeOutput([kh, kw, outChannels, inChannels], 'float32');
  const target = heapF32(backend, out);
  const source = heapF32(backend, filter);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * inChannels * outChannels;
      const to = (i * kw + j) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) target[to + co * inChannels + ci] = source[from + ci * outChannels + co];
      }
    }
  }
  return out;
}

export function conv2dBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const info = forwardInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const dilatedRows = (outHeight - 1) * strideHeight + 1;
  const dilatedCols = (outWidth - 1) * strideWidth + 1;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = inHeight + kh - 1 - dilatedRows - top;
  const right = inWidth + kw - 1 - dilatedCols - left;
  if (Math.min(top, left, bottom, right) < 0) {
    // A forward padding of kh or more (explicit padding only): no convolution of this form; the shipped loop handles it.
    return callShipped(backend, 'Conv2DBackpropInput', { dy, filter }, attrs as unknown as Record<string, never>);
  }
  const spread = strideHeight === 1 && strideWidth === 1 ? dy : zeroDilate(backend, dy, strideHeight, strideWidth);
  const flipped = flipTransposeFilter(backend, filter);
  const dx = conv2d(backend, spread, flipped, { strides: [1, 1], dilations: [1, 1], padding: { top, bottom, left, right } });
  release(backend, flipped);
  if (spread !== dy) release(backend, spread);
  return dx;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
