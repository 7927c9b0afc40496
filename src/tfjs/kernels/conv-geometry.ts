/**
 * The geometry of a 2-D convolution's gradients, from the same attributes the forward kernel saw
 * (tfjs's computeConv2DInfo: 'same', 'valid', a number or explicit padding; NHWC only).
 */
import { backend_util } from '../tf.ts';

export type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;
type Pad = Parameters<typeof backend_util.computeConv2DInfo>[4];
type Rounding = Parameters<typeof backend_util.computeConv2DInfo>[5];

export interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dataFormat?: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: Rounding;
}

/** The forward convolution's geometry (dilation 1: tfjs has no gradient for dilated Conv2D). */
export function forwardInfo(kernel: string, xShape: number[], filterShape: number[], attrs: ConvAttrs): Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} on wasm: only NHWC is implemented, got dataFormat ${attrs.dataFormat}`);
  }
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}
