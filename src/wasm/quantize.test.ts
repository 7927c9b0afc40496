/**
 * The wasm vector quantizer against its definition, src/core/quantizer.ts quantizeInto: the same
 * output bits and the same non-zero count, on every grid route (binary, integer Q, Q = η/b^m, no
 * float route), both modes, in place and not, every alignment and length, and on the inputs where a
 * float decision is hardest (next to cell boundaries and round-mode ties, the one y < ½ with
 * fl(y + ½) = 1, tiny, subnormal and zero inputs, |Q·x| near 2^52); out-of-range inputs throw the
 * same error.
 */
import { describe, expect, it } from 'vitest';
import { nextDown, nextUp } from '../core/floats.ts';
import { EXACT_LIMIT, makeGrid, quantizeInto, QuantizerRangeError, type Grid, type QuantMode } from '../core/quantizer.ts';
import { ratioToDouble } from '../core/exact.ts';
import { createRng } from '../core/rng.ts';
import { kernels, withKernels } from './kernels.ts';
import { quantizeVectorInto } from './quantize.ts';

const k = kernels();
if (!k) throw new Error('these tests compare the wasm kernels: unset QLE_WASM');

/** Grids of every route of quantizer.ts (ValueRoute). */
const GRIDS: [number, number, number][] = [
  [1, 2, 10],
  [1, 2, 0],
  [1, 2, -3],
  [1, 2, 32],
  [4, 8, 5], // binary: k·(1/Q)
  [3, 10, 3],
  [1, 3, 5],
  [3, 2, 7],
  [1, 10, 0], // integer Q: k/Q
  [5, 7, -2],
  [1, 3, -4],
  [3, 10, -2], // Q = η/b^m: (k·b^m)/η
  [7, 3, 40],
  [1, 10, -17], // no float route: exact
];
const MODES: QuantMode[] = ['round', 'floor'];

function neighbours(x: number, steps: number): number[] {
  const out = [x];
  let up = x;
  let down = x;
  for (let i = 0; i < steps; i++) {
    up = nextUp(up);
    down = nextDown(down);
    out.push(up, down);
  }
  return out;
}

/** Inputs for one grid: random spreads, cell boundaries k/Q and ties (k + ½)/Q with neighbours, specials. */
function inputsFor(grid: Grid, seed: number): number[] {
  const rng = createRng(seed);
  const { num, den } = grid.exactQ;
  const values: number[] = [0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1022, -(2 ** -1022), 0.5 - 2 ** -54, -(0.5 - 2 ** -54)];
  for (const kk of [0n, 1n, -1n, 2n, -2n, 3n, 7n, -7n, 1000n, -1001n, 2n ** 30n + 1n, -(2n ** 40n) - 3n, 2n ** 51n + 5n, -(2n ** 52n) + 1n]) {
    values.push(...neighbours(ratioToDouble(kk * den, num), 3));
    values.push(...neighbours(ratioToDouble((2n * kk + 1n) * den, 2n * num), 3));
  }
  // |Q·x| just below and above 2^52 (the fast range) but inside 2^53 (the exact range).
  values.push(...neighbours(ratioToDouble(2n ** 52n * den, num), 2), ...neighbours(-ratioToDouble(2n ** 52n * den, num), 2));
  values.push(0.5 - 2 ** -54, (0.5 - 2 ** -54) / grid.Q);
  for (let i = 0; i < 3000; i++) {
    values.push((rng.normal() / grid.Q) * 10 ** (rng.uniform() * 6 - 1));
    values.push((rng.uniform() - 0.5) * 2 ** (rng.uniform() * 200 - 150));
  }
  return values.filter((x) => Number.isFinite(x) && Math.abs(x * grid.Q) < EXACT_LIMIT * 0.99);
}

/** quantizeInto and the kernel on the same input, in place and out of place, at a given alignment. */
function compare(grid: Grid, mode: QuantMode, values: number[], offset: number): void {
  const kernel = k as NonNullable<typeof k>;
  const n = values.length;
  const want = new Float64Array(n + offset);
  const wantSrc = new Float64Array(n + offset);
  wantSrc.set(values, offset);
  const wantCount = withKernels(false, () => quantizeVectorInto(wantSrc, offset, want, offset, n, grid, mode));
  // Out of place, both arrays in the kernels' memory.
  const src = kernel.float64(n + offset);
  const dst = kernel.float64(n + offset);
  src.set(values, offset);
  const count = quantizeVectorInto(src, offset, dst, offset, n, grid, mode);
  // In place.
  const inPlace = kernel.float64(n + offset);
  inPlace.set(values, offset);
  const countInPlace = quantizeVectorInto(inPlace, offset, inPlace, offset, n, grid, mode);
  // Plain arrays (copied through the kernels' memory).
  const plain = new Float64Array(n + offset);
  const countPlain = quantizeVectorInto(wantSrc, offset, plain, offset, n, grid, mode);
  const label = `η=${grid.eta} b=${grid.base} p=${grid.p} ${mode} offset ${offset}`;
  expect(count, label).toBe(wantCount);
  expect(countInPlace, label).toBe(wantCount);
  expect(countPlain, label).toBe(wantCount);
  for (let i = offset; i < n + offset; i++) {
    if (!Object.is(dst[i], want[i]) || !Object.is(inPlace[i], want[i]) || !Object.is(plain[i], want[i])) {
      throw new Error(`${label}: x = ${values[i - offset]}: JS ${want[i]}, wasm ${dst[i]} (in place ${inPlace[i]}, copied ${plain[i]})`);
    }
  }
}

describe('wasm quantizer = quantizeInto, bit for bit, with the same non-zero count', () => {
  for (const [eta, base, p] of GRIDS) {
    for (const mode of MODES) {
      it(`η=${eta}, b=${base}, p=${p}, ${mode}`, () => {
        const grid = makeGrid(eta, base, p);
        const values = inputsFor(grid, eta * 1000 + base * 100 + p);
        for (const offset of [0, 1]) compare(grid, mode, values, offset);
        // Short vectors: the pair loop, the four-pair loop and the tail.
        for (let n = 0; n <= 9; n++) compare(grid, mode, values.slice(13, 13 + n), 0);
      });
    }
  }

  it('throws the JS range error for the same element (|Q·x| ≥ 2^53, non-finite)', () => {
    const kernel = k as NonNullable<typeof k>;
    for (const [eta, base, p] of [
      [1, 2, 10],
      [3, 10, 3],
    ] as const) {
      const grid = makeGrid(eta, base, p);
      for (const bad of [Infinity, -Infinity, NaN, 2 ** 60, (-(2 ** 53) / grid.Q) * 1.5]) {
        const values = [0.25, 1.5, bad, 3.25, bad * 2];
        const message = (() => {
          try {
            quantizeInto(Float64Array.from(values), 0, new Float64Array(5), 0, 5, grid, 'round');
          } catch (error) {
            return (error as Error).message;
          }
          return 'no error';
        })();
        const src = kernel.float64(values.length);
        src.set(values);
        expect(() => quantizeVectorInto(src, 0, src, 0, values.length, grid, 'round')).toThrow(QuantizerRangeError);
        expect(() => quantizeVectorInto(Float64Array.from(values), 0, new Float64Array(5), 0, 5, grid, 'round')).toThrow(message);
      }
    }
  });
});
