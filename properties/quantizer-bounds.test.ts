/**
 * SPEC §1 (Definition 2.1, eq. 1): the error bounds of both quantizer modes, checked in exact
 * rational arithmetic (bigint) for every finite double up to the range limit, subnormals, doubles
 * adjacent to cell boundaries k/Q and round thresholds (k + ½)/Q, on binary and non-binary grids
 * (η = 3, b = 10; b = 3; negative p); beyond the range a QuantizerRangeError.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeGrid, quantize, quantizeInto, QuantizerRangeError } from '../src/core/quantizer.ts';
import { holds, expectCaught, findCounterexample, RUNS, scaledRuns } from './config.ts';
import { gridParamsArb, inputArb, inRange, modeArb, nonBinaryGridParamsArb } from './oracle.ts';
import {
  boundProperty,
  coreQuantizer,
  mathRoundQuantizer,
  naiveQuantizer,
  rangeProperty,
} from './quantizer.props.ts';

describe('§1 quantizer bounds (exact oracle)', () => {
  it('§1 floor residue x − k/Q lies in [0, 1/Q) and x^Q is the double nearest to k/Q, for every finite double (any grid)', () => {
    holds(boundProperty(coreQuantizer, 'floor'), RUNS * 5);
  });

  it('§1 round error k/Q − x lies in (−1/(2Q), 1/(2Q)] and x^Q is the double nearest to k/Q, for every finite double (any grid)', () => {
    holds(boundProperty(coreQuantizer, 'round'), RUNS * 5);
  });

  it('§1 both bounds hold next to cell boundaries and round thresholds on non-binary grids (η = 3, b = 10; b = 3; η odd with b = 2)', () => {
    holds(boundProperty(coreQuantizer, 'floor', nonBinaryGridParamsArb, ['boundary', 'tie']), RUNS * 2);
    holds(boundProperty(coreQuantizer, 'round', nonBinaryGridParamsArb, ['boundary', 'tie']), RUNS * 2);
  });

  it('§1 subnormal inputs: both bounds hold (products that underflow are decided exactly)', () => {
    holds(boundProperty(coreQuantizer, 'floor', undefined, ['subnormal']), scaledRuns(1));
    holds(boundProperty(coreQuantizer, 'round', undefined, ['subnormal']), scaledRuns(1));
  });

  it('§1 beyond the exact range (|Q·x| ≥ 2^53) quantize throws QuantizerRangeError; inside it, never', () => {
    holds(rangeProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 the vector form quantizeInto equals the scalar quantizer element by element and counts the non-zero outputs (in place and out of place, with offsets)', () => {
    const vectorCase = gridParamsArb.chain((params) => {
      const grid = makeGrid(params.eta, params.base, params.p);
      const x = inputArb(grid, ['inRange', 'subnormal', 'boundary', 'tie', 'rangeEdge']).filter((v) => inRange(v, grid));
      return fc.record({ params: fc.constant(params), values: fc.array(x, { minLength: 1, maxLength: 40 }), offset: fc.integer({ min: 0, max: 3 }), inPlace: fc.boolean() });
    });
    holds(
      fc.property(vectorCase, modeArb, ({ params, values, offset, inPlace }, mode) => {
        const grid = makeGrid(params.eta, params.base, params.p);
        const src = new Float64Array(values.length + offset);
        src.set(values, offset);
        const dst = inPlace ? src : new Float64Array(values.length + 1);
        const nonZero = quantizeInto(src, offset, dst, inPlace ? offset : 1, values.length, grid, mode);
        const expected = values.map((v) => quantize(v, grid, mode));
        const got = Array.from(dst.subarray(inPlace ? offset : 1, (inPlace ? offset : 1) + values.length));
        return got.every((v, i) => Object.is(v, expected[i] + 0)) && nonZero === expected.filter((v) => v !== 0).length;
      }),
      RUNS * 2,
    );
  });

  it('§1 non-finite inputs throw QuantizerRangeError', () => {
    const grid = makeGrid(3, 10, 2);
    for (const x of [NaN, Infinity, -Infinity]) {
      for (const mode of ['floor', 'round'] as const) expect(() => quantize(x, grid, mode)).toThrow(QuantizerRangeError);
    }
  });

  it('§1 the floor bound CATCHES the naive Math.floor(Q*x)/Q on a non-binary grid (counterexample found and shrunk)', () => {
    const found = findCounterexample(
      naiveQuantizer.name + ' (floor)',
      boundProperty(naiveQuantizer, 'floor', nonBinaryGridParamsArb, ['boundary']),
      Math.max(RUNS, 500),
    );
    expectCaught(found);
  });

  it('§1 the round bound CATCHES Math.round(Q*x)/Q on a non-binary grid (counterexample found and shrunk)', () => {
    const found = findCounterexample(
      mathRoundQuantizer.name,
      boundProperty(mathRoundQuantizer, 'round', nonBinaryGridParamsArb, ['tie']),
      Math.max(RUNS, 500),
    );
    expectCaught(found);
  });

  it('§1 the range property CATCHES a quantizer without the 2^53 range check', () => {
    const found = findCounterexample(naiveQuantizer.name + ' (range)', rangeProperty(naiveQuantizer), Math.max(RUNS, 200));
    expectCaught(found);
  });
});
