/**
 * What "equal to the core's value" means at the declared precision.
 *
 * float64: the implementation must produce exactly the core's double (the SPEC §1 output
 * contract: k exact, x^Q the double nearest k/Q_p).
 *
 * float32: an implementation computing in float32 rounds the product Q_p·h (and Q_p itself when it
 * is not a float32, e.g. 3^20) to 24 bits, so near a cell boundary its grid integer k may be the
 * neighbour of the exact one; and it stores k/Q_p as a float32. So a float32 value is accepted
 * when it lies within two float32 ulps of k'/Q_p (the roundings of Q_p and of the quotient) for some k' that the mode's formula gives on
 * [Q_p·h·(1 − 2^-22), Q_p·h·(1 + 2^-22)] (two roundings of 2^-24 each, with a factor 2 to spare).
 * Away from boundaries that set is the single exact k, so the check stays sharp.
 */
import { gridIndex, gridValue, quantizeInto, type Grid, type QuantMode } from '../core/quantizer.ts';
import { ulp32 } from '../core/floats.ts';
import { allocateFloat64, KernelSettingError } from '../wasm/kernels.ts';
import { quantizeVectorInto } from '../wasm/quantize.ts';
import type { Precision } from './trace.ts';

/** Relative width of the float32 window around Q_p·h. */
export const FLOAT32_PRODUCT_SLACK = 2 ** -22;

/** The grid integers an implementation at this precision may legitimately produce for x. */
export function admissibleIndices(x: number, grid: Grid, mode: QuantMode, precision: Precision): [number, number] {
  if (precision === 'float64') {
    const k = gridIndex(x, grid, mode);
    return [k, k];
  }
  const a = x * (1 - FLOAT32_PRODUCT_SLACK);
  const b = x * (1 + FLOAT32_PRODUCT_SLACK);
  return [gridIndex(Math.min(a, b), grid, mode), gridIndex(Math.max(a, b), grid, mode)];
}

/** Is `found` the stored form of the grid value k/Q_p at this precision? */
export function isGridValue(found: number, k: number, grid: Grid, precision: Precision): boolean {
  const exact = gridValue(k, grid);
  if (precision === 'float64') return found === exact;
  return Math.abs(found - exact) <= 2 * ulp32(exact);
}

/** The value the core expects, shown to users at the declared precision. */
export function expectedValue(k: number, grid: Grid, precision: Precision): number {
  const exact = gridValue(k, grid);
  return precision === 'float64' ? exact : Math.fround(exact);
}

/** Does a value equal an expected double at this precision (float32: within one ulp, the rounding of a sum)? */
export function sameAtPrecision(found: number, expected: number, precision: Precision): boolean {
  if (precision === 'float64') return found === expected;
  return Math.abs(found - expected) <= ulp32(expected);
}

/** The nearest grid integer of a value (round mode), for on-grid tests. */
export function nearestIndex(x: number, grid: Grid): number {
  return gridIndex(x, grid, 'round');
}

/**
 * n doubles in the kernels' memory (so the kernels read them in place), or in ordinary memory when
 * that memory cannot hold them (4 GiB at most): the vectors are then checked on the JS paths.
 */
export function checkerFloat64(n: number): Float64Array {
  try {
    return allocateFloat64(n);
  } catch (error) {
    if (error instanceof RangeError && !(error instanceof KernelSettingError)) return new Float64Array(n);
    throw error;
  }
}

/** Vectors shorter than this are quantized in JS (quantizeInto, the kernel's definition). */
const SHORT = 64;

/** Per slot: a copy of the input when it is not a Float64Array, and the output. */
const scratch: { input: Float64Array; output: Float64Array }[] = [0, 1].map(() => ({ input: new Float64Array(0), output: new Float64Array(0) }));

/**
 * Q_p of every value by the core's batch quantizer, on the wasm kernel when the kernels are on
 * (the fast path of the float64 rules), or undefined when a value leaves the exact range (the
 * caller's per-component path then reports it). The scratch buffers live in the kernels' memory,
 * so a Float64Array there (a sidecar block) is quantized without a copy. The result is the slot's
 * scratch buffer (two slots, so that two results can be used together): valid until the slot's
 * next call.
 */
export function quantizeAll(values: ArrayLike<number>, grid: Grid, mode: QuantMode, slot: 0 | 1 = 0): Float64Array | undefined {
  return quantizeSlice(values, 0, values.length, grid, mode, slot);
}

/** quantizeAll of values[from … from + n − 1], at positions 0 … n − 1 of the result. */
export function quantizeSlice(values: ArrayLike<number>, from: number, n: number, grid: Grid, mode: QuantMode, slot: 0 | 1): Float64Array | undefined {
  const buffers = scratch[slot];
  if (buffers.output.length < n) {
    buffers.input = checkerFloat64(n);
    buffers.output = checkerFloat64(n);
  }
  let source: Float64Array;
  let offset = from;
  if (values instanceof Float64Array) source = values;
  else {
    for (let i = 0; i < n; i++) buffers.input[i] = values[from + i];
    source = buffers.input;
    offset = 0;
  }
  try {
    // A short vector costs more to hand to the kernel than to quantize (the same bits either way).
    if (n < SHORT) quantizeInto(source, offset, buffers.output, 0, n, grid, mode);
    else quantizeVectorInto(source, offset, buffers.output, 0, n, grid, mode);
  } catch (error) {
    // A value out of the quantizer's range (QuantizerRangeError), or no room left in the kernels'
    // memory for a copy: either way the caller's per-component path decides, as exactly.
    if (error instanceof RangeError && !(error instanceof KernelSettingError)) return undefined;
    throw error;
  }
  return buffers.output;
}
