/**
 * The exact quantizer over a vector (SPEC §1, eq. 1) through the wasm kernel: the same contract and
 * the same bits as src/core/quantizer.ts quantizeInto, which stays the definition (and the path taken
 * when the kernels are off). Arrays outside the kernels' memory are copied in and out; arrays from
 * allocateFloat64 are quantized in place.
 */
import { quantizeInto, type Grid, type QuantMode } from '../core/quantizer.ts';
import { kernels, MODE_CODE, setActiveGrids, type Kernels } from './kernels.ts';

/** Words of one grid record: Q, 1/Q, η, b^m, route (src/wasm/assembly/quantize.ts). */
export const GRID_RECORD = 5;

/** Write the kernel's record of `grid` at `at` (in doubles) of `table`. */
export function writeGridRecord(table: Float64Array, at: number, grid: Grid): void {
  table[at] = grid.Q;
  table[at + 1] = grid.cell;
  table[at + 2] = grid.eta;
  table[at + 3] = grid.denominator;
  table[at + 4] = grid.route;
}

interface Scratch {
  readonly record: Float64Array;
  values: Float64Array;
}
const scratchOf = new WeakMap<Kernels, Scratch>();

function scratch(k: Kernels, n: number): Scratch {
  let s = scratchOf.get(k);
  if (!s) {
    s = { record: k.float64(GRID_RECORD), values: k.float64(0) };
    scratchOf.set(k, s);
  }
  if (s.values.length < n) s.values = k.float64(Math.max(n, 2 * s.values.length));
  return s;
}

/** quantizeInto on the kernels when they are on (else quantizeInto itself). Returns the non-zero count. */
export function quantizeVectorInto(src: Float64Array, srcOffset: number, dst: Float64Array, dstOffset: number, n: number, grid: Grid, mode: QuantMode): number {
  const k = kernels();
  if (!k) return quantizeInto(src, srcOffset, dst, dstOffset, n, grid, mode);
  if (!(n >= 0 && srcOffset >= 0 && dstOffset >= 0 && srcOffset + n <= src.length && dstOffset + n <= dst.length)) {
    throw new RangeError(`quantize: ${n} values from ${srcOffset} (of ${src.length}) into ${dstOffset} (of ${dst.length}) do not fit`);
  }
  const s = scratch(k, 0);
  writeGridRecord(s.record, 0, grid);
  const srcAddress = k.address(src);
  const dstAddress = k.address(dst);
  setActiveGrids([grid]);
  if (srcAddress >= 0 && dstAddress >= 0) {
    return k.exports.quantizeRange(srcAddress + 8 * srcOffset, dstAddress + 8 * dstOffset, n, k.address(s.record), 0, MODE_CODE[mode]);
  }
  const values = scratch(k, n).values;
  values.set(src.subarray(srcOffset, srcOffset + n));
  const address = k.address(values);
  const nonZero = k.exports.quantizeRange(address, address, n, k.address(s.record), 0, MODE_CODE[mode]);
  dst.set(values.subarray(0, n), dstOffset);
  return nonZero;
}
