/**
 * Conv2DBackpropInput for the wasm backend as XNNPACK convolutions (the shipped kernel is a
 * scalar loop). With stride s and forward padding (pt, pl):
 *
 *   dx[n, h, w, ci] = Σ_{i, j, co} D[n, h + pt − i, w + pl − j, co] · W[i, j, ci, co]
 *
 * where D is dy with s − 1 zeros inserted between its rows and columns. That is a stride-1
 * convolution of D with the filter flipped in space and transposed to [kh, kw, Co, Ci], padded
 * kh − 1 − pt on top and kw − 1 − pl on the left, and on the far sides as much as makes the
 * output H × W. For s = 1 it is computed so; for s > 1 by phases (byPhases), which skips the
 * zeros of D.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '../tf.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardInfo, type Conv2DInfo, type ConvAttrs } from './conv-geometry.ts';
import { callShipped, conv2d, heapF32, release } from './wasm-calls.ts';

interface Attrs extends ConvAttrs {
  readonly inputShape: [number, number, number, number];
}

/** Which taps of the filter one output phase of a strided convolution sees: i = row + t·rowStep. */
export interface FilterPhase {
  readonly row: number;
  readonly col: number;
  readonly rowStep: number;
  readonly colStep: number;
}

const WHOLE_FILTER: FilterPhase = { row: 0, col: 0, rowStep: 1, colStep: 1 };

/** Taps of a filter dimension of size k in phase r with step s: i = r, r + s, … < k. */
export const phaseTaps = (k: number, r: number, s: number) => (r < k ? Math.ceil((k - r) / s) : 0);

/**
 * W [kh, kw, Ci, Co] → W'[u, v, co, ci] = W[row + (Th − 1 − u)·rowStep, col + (Tw − 1 − v)·colStep, ci, co]:
 * the phase's taps, flipped in space and transposed (the whole filter for the default phase).
 */
export function flipTransposeFilter(backend: BackendWasm, filter: TensorInfo, phase: FilterPhase = WHOLE_FILTER): TensorInfo {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  const th = phaseTaps(kh, phase.row, phase.rowStep);
  const tw = phaseTaps(kw, phase.col, phase.colStep);
  const out = backend.makeOutput([th, tw, outChannels, inChannels], 'float32');
  const target = heapF32(backend, out);
  const source = heapF32(backend, filter);
  for (let u = 0; u < th; u++) {
    for (let v = 0; v < tw; v++) {
      const i = phase.row + (th - 1 - u) * phase.rowStep;
      const j = phase.col + (tw - 1 - v) * phase.colStep;
      const from = (i * kw + j) * inChannels * outChannels;
      const to = (u * tw + v) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) target[to + co * inChannels + ci] = source[from + ci * outChannels + co];
      }
    }
  }
  return out;
}

/**
 * A strided input gradient by phases: the rows h with (h + pt) mod s = r see only the taps
 * i ≡ r (mod s), so each of the s² phases is a stride-1 convolution of dy (not zero-dilated) with
 * those taps, flipped, and its output lands on every s-th row and column of dx. s² times fewer
 * multiplications than the zero-dilated form. Null when a phase would need negative padding.
 */
function byPhases(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo | null {
  const { batchSize, filterHeight: kh, filterWidth: kw, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const phase = (r: number, k: number, s: number, pad: number, size: number, outSize: number) => {
    const taps = phaseTaps(k, r, s);
    const first = (((r - pad) % s) + s) % s; // first dx row (column) of this phase
    const count = first < size ? Math.floor((size - 1 - first) / s) + 1 : 0;
    const firstTap = (first + pad - r) / s; // the dy row its last tap reads
    const before = taps - 1 - firstTap;
    const after = Math.max(0, count - outSize - before + taps - 1);
    return { taps, first, count, before, after };
  };
  const rows = Array.from({ length: sh }, (_, r) => phase(r, kh, sh, pt, inHeight, outHeight));
  const cols = Array.from({ length: sw }, (_, r) => phase(r, kw, sw, pl, inWidth, outWidth));
  if ([...rows, ...cols].some((p) => p.taps > 0 && p.count > 0 && p.before < 0)) return null;
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  if ([...rows, ...cols].some((p) => p.taps === 0 && p.count > 0)) heapF32(backend, dx).fill(0);
  for (const [rh, row] of rows.entries()) {
    for (const [rw, col] of cols.entries()) {
      if (row.taps === 0 || col.taps === 0 || row.count === 0 || col.count === 0) continue;
      const taps = flipTransposeFilter(backend, filter, { row: rh, col: rw, rowStep: sh, colStep: sw });
      const part = conv2d(backend, dy, taps, {
        strides: [1, 1],
        dilations: [1, 1],
        padding: { top: row.before, bottom: row.after, left: col.before, right: col.after },
      });
      const [, partRows, partCols] = part.shape;
      const source = heapF32(backend, part);
      const target = heapF32(backend, dx);
      for (let n = 0; n < batchSize; n++) {
        for (let p = 0; p < row.count; p++) {
          for (let q = 0; q < col.count; q++) {
            const from = ((n * partRows + p) * partCols + q) * inChannels;
            const to = ((n * inHeight + row.first + p * sh) * inWidth + col.first + q * sw) * inChannels;
            for (let c = 0; c < inChannels; c++) target[to + c] = source[from + c];
          }
        }
      }
      release(backend, taps, part);
    }
  }
  return dx;
}

export function conv2dBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Attrs }): TensorInfo {
  const {
    inputs: { dy, filter },
    backend,
    attrs,
  } = args;
  const info = forwardInfo('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  const { strideHeight, strideWidth } = info;
  const dx = strideHeight > 1 || strideWidth > 1 ? byPhases(backend, dy, filter, info) : bySingleConvolution(backend, dy, filter, info);
  // A forward padding of kh or more (explicit padding only) has no convolution of this form: the shipped loop.
  return dx ?? callShipped(backend, 'Conv2DBackpropInput', { dy, filter }, attrs as unknown as Record<string, never>);
}

/** Stride 1: one convolution of dy with the flipped, transposed filter. Null when the padding would be negative. */
function bySingleConvolution(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo | null {
  const { filterHeight: kh, filterWidth: kw, inHeight, inWidth, outHeight, outWidth } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = inHeight - outHeight + info.padInfo.top;
  const right = inWidth - outWidth + info.padInfo.left;
  if (Math.min(top, left, bottom, right) < 0) return null;
  const flipped = flipTransposeFilter(backend, filter);
  const dx = conv2d(backend, dy, flipped, { strides: [1, 1], dilations: [1, 1], padding: { top, bottom, left, right } });
  release(backend, flipped);
  return dx;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
