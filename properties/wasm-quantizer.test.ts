/**
 * SPEC §1 on the wasm kernel (issue 14): the vector quantizer of src/wasm, run over whole vectors
 * (every length through the four-pair loop, the pair loop and the tail; in place and not; odd
 * offsets), agrees with the exact bigint path on adversarial doubles: the output is the double
 * nearest to k/Q_p for the exact k (⌊Q·x⌋, or ⌊Q·x + ½⌋), the non-zero count is right, and a
 * vector holding an input beyond the exact range throws QuantizerRangeError. The same property
 * catches a kernel that takes a non-binary grid for a binary one.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { floorDiv } from '../src/core/exact.ts';
import { makeGrid, QuantizerRangeError, type Grid, type QuantMode } from '../src/core/quantizer.ts';
import { kernels, MODE_CODE, setActiveGrids } from '../src/wasm/kernels.ts';
import { GRID_RECORD, quantizeVectorInto, writeGridRecord } from '../src/wasm/quantize.ts';
import { findCounterexample, holds, RUNS } from './config.ts';
import { exact, gridParamsArb, inputArb, inRange, modeArb, nearestDoubleOfGridPoint, nonBinaryGridParamsArb } from './oracle.ts';
import type { GridParams } from '../src/core/quantizer.ts';

const k = kernels();
if (!k) throw new Error('this suite checks the wasm kernels: unset QLE_WASM');

/** What the property needs of a vector quantizer: quantize `values` (returns outputs and non-zero count, or throws). */
type VectorQuantizer = (values: readonly number[], grid: Grid, mode: QuantMode, inPlace: boolean, offset: number) => { out: number[]; count: number };

/** The kernel through its public entry (quantizeVectorInto on arrays in the kernels' memory). */
const wasmQuantizer: VectorQuantizer = (values, grid, mode, inPlace, offset) => {
  const kernel = k as NonNullable<typeof k>;
  const n = values.length;
  const src = kernel.float64(n + offset);
  src.set(values, offset);
  const dst = inPlace ? src : kernel.float64(n + offset);
  const count = quantizeVectorInto(src, offset, dst, offset, n, grid, mode);
  return { out: Array.from(dst.subarray(offset, offset + n)), count };
};

/** A broken kernel call: the grid record says "binary" (route 0, k·(1/Q)) whatever the grid is. */
const binaryForEveryGrid: VectorQuantizer = (values, grid, mode, inPlace, offset) => {
  const kernel = k as NonNullable<typeof k>;
  const n = values.length;
  const record = kernel.float64(GRID_RECORD);
  writeGridRecord(record, 0, grid);
  record[4] = 0;
  const src = kernel.float64(n + offset);
  src.set(values, offset);
  const dst = inPlace ? src : kernel.float64(n + offset);
  setActiveGrids([grid]);
  const count = kernel.exports.quantizeRange(kernel.address(src) + 8 * offset, kernel.address(dst) + 8 * offset, n, kernel.address(record), 0, MODE_CODE[mode]);
  return { out: Array.from(dst.subarray(offset, offset + n)), count };
};

/** The exact k of SPEC §1 for the input double (bigint). */
function exactIndex(x: number, grid: Grid, mode: QuantMode): bigint {
  const r = exact(x);
  const num = r.num * grid.exactQ.num;
  const den = r.den * grid.exactQ.den;
  return mode === 'floor' ? floorDiv(num, den) : floorDiv(2n * num + den, 2n * den);
}

const vectorArb = (grids: fc.Arbitrary<GridParams>, kinds?: Parameters<typeof inputArb>[1]) =>
  grids.chain((params) => {
    const grid = makeGrid(params.eta, params.base, params.p);
    return fc.record({
      grid: fc.constant(params),
      mode: modeArb,
      values: fc.array(inputArb(grid, kinds), { minLength: 0, maxLength: 40 }),
      inPlace: fc.boolean(),
      offset: fc.integer({ min: 0, max: 3 }),
    });
  });

function vectorProperty(quantizer: VectorQuantizer, grids: fc.Arbitrary<GridParams> = gridParamsArb, kinds?: Parameters<typeof inputArb>[1]) {
  return fc.property(vectorArb(grids, kinds), ({ grid: params, mode, values, inPlace, offset }) => {
    const grid = makeGrid(params.eta, params.base, params.p);
    const outOfRange = values.some((x) => !inRange(x, grid));
    let result: { out: number[]; count: number };
    try {
      result = quantizer(values, grid, mode, inPlace, offset);
    } catch (error) {
      if (outOfRange && error instanceof QuantizerRangeError) return true;
      throw error;
    }
    if (outOfRange) throw new Error('an input beyond the exact range was quantized without an error');
    let count = 0;
    values.forEach((x, i) => {
      const want = nearestDoubleOfGridPoint(exactIndex(x, grid, mode), grid) + 0;
      if (!Object.is(result.out[i], want)) throw new Error(`x = ${x}: wasm ${result.out[i]}, exact ${want}`);
      if (want !== 0) count++;
    });
    if (result.count !== count) throw new Error(`non-zero count ${result.count}, exact ${count}`);
    return true;
  });
}

describe('§1 wasm vector quantizer = the exact bigint path (issue 14)', () => {
  it('any grid, any finite doubles (beyond the range: QuantizerRangeError), vectors of 0 … 40', () => {
    holds(vectorProperty(wasmQuantizer), RUNS * 2);
  });

  it('non-binary grids, inputs next to cell boundaries and round thresholds (where the slow path decides)', () => {
    holds(vectorProperty(wasmQuantizer, nonBinaryGridParamsArb, ['boundary', 'tie']), RUNS * 2);
  });

  it('subnormal inputs and inputs at the edge of the exact range', () => {
    holds(vectorProperty(wasmQuantizer, gridParamsArb, ['subnormal', 'rangeEdge', 'tie']), RUNS);
  });

  it('catches a kernel that takes every grid for a binary one', () => {
    const found = findCounterexample('kernel told every grid is binary', vectorProperty(binaryForEveryGrid, nonBinaryGridParamsArb, ['boundary', 'tie']));
    expect(found.failed).toBe(true);
  });
});
