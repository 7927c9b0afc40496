/**
 * The wasm pass of the trace checker (assembly/scan.ts) against its definition, fusedJs in
 * src/check/scan.ts: the same totals, bit for bit (Σhq and Σ|hq| in index order, max |h| with its
 * NaN), on every grid route, both modes, lengths around the kernel's chunk of 512 and odd tails,
 * with hq, w and before corrupted by one ulp, −0 and NaN at random places; a value out of the
 * quantizer's range hands the record back to the JS path.
 */
import { describe, expect, it } from 'vitest';
import { fusedJs } from '../check/scan.ts';
import { nextDown, nextUp } from '../core/floats.ts';
import { makeGrid, quantizeInto, type QuantMode } from '../core/quantizer.ts';
import { createRng } from '../core/rng.ts';
import { allocateFloat64, kernels } from './kernels.ts';
import { scanOnKernel } from './scan.ts';

if (!kernels()) throw new Error('these tests compare the wasm kernels: unset QLE_WASM');

const GRIDS: [number, number, number][] = [
  [1, 2, 10],
  [1, 2, -3],
  [4, 8, 5],
  [1, 10, 0],
  [3, 10, -2],
  [1, 10, -17],
];
const MODES: QuantMode[] = ['round', 'floor'];
const LENGTHS = [0, 1, 2, 3, 511, 512, 513, 1025, 1600];

/** h, hq = Q_p(h), before on the grid, w = before + hq, in the kernels' memory, then corrupted at random places. */
function vectors(n: number, eta: number, base: number, p: number, mode: QuantMode, seed: number, corrupted = true) {
  const rng = createRng(seed);
  const grid = makeGrid(eta, base, p);
  const [h, hq, w, before] = [0, 1, 2, 3].map(() => allocateFloat64(n));
  for (let i = 0; i < n; i++) h[i] = (rng.uniform() - 0.5) * 40 * grid.cell * (rng.uniform() < 0.1 ? 0.01 : 1);
  quantizeInto(h, 0, hq, 0, n, grid, mode);
  for (let i = 0; i < n; i++) before[i] = (rng.uniform() - 0.5) * 1000 * grid.cell;
  quantizeInto(before, 0, before, 0, n, grid, 'round');
  for (let i = 0; i < n; i++) w[i] = before[i] + hq[i];
  const corrupt = (values: Float64Array) => {
    if (!corrupted || n === 0 || rng.uniform() < 0.3) return;
    const i = Math.floor(rng.uniform() * n);
    const kind = rng.uniform();
    values[i] = kind < 0.4 ? nextUp(values[i]) : kind < 0.7 ? nextDown(values[i]) : kind < 0.85 ? -0 : Number.NaN;
  };
  corrupt(hq);
  corrupt(w);
  corrupt(before);
  if (corrupted && n > 0 && rng.uniform() < 0.5) w[n - 1] = nextUp(w[n - 1]); // the last component too
  return { h, hq, w, before, grid };
}

describe('the wasm pass of qle check gives the totals of fusedJs, bit for bit', () => {
  for (const [eta, base, p] of GRIDS) {
    for (const mode of MODES) {
      it(`${eta}·${base}^${p}, ${mode}`, () => {
        let seed = 1;
        let compared = 0;
        for (const n of LENGTHS) {
          for (const withBefore of [true, false]) {
            for (const exact of [true, false]) {
              const { h, hq, w, before, grid } = vectors(n, eta, base, p, mode, seed++);
              const b = withBefore ? before : undefined;
              const wasm = scanOnKernel(h, hq, w, b, grid, mode, exact, exact);
              const js = fusedJs(h, hq, w, b, grid, mode, exact);
              if (!wasm) {
                // Only a value out of the quantizer's range (a NaN in w) sends the record back to JS.
                expect(exact && !(js.core && js.grids), `n = ${n}`).toBe(true);
                continue;
              }
              compared += 1;
              expect(js.core && js.grids).toBe(exact);
              const t = js.totals;
              const fields = (s: typeof t) => [
                s.nonZero,
                s.sum,
                s.magnitude,
                s.max,
                ...(exact ? [s.notCore, s.offGrid] : []),
                ...(withBefore ? [s.notSummed] : []),
              ];
              const [a, e] = [fields(wasm!), fields(t)];
              for (let j = 0; j < a.length; j++) expect(Object.is(a[j], e[j]), `n = ${n}, field ${j}: ${a[j]} vs ${e[j]}`).toBe(true);
            }
          }
        }
        expect(compared).toBeGreaterThan(LENGTHS.length * 3);
      });
    }
  }

  it('one ulp off in the last component of a long vector is counted', () => {
    const n = 36864;
    const { h, hq, w, before, grid } = vectors(n, 1, 2, 10, 'round', 99, false);
    const clean = scanOnKernel(h, hq, w, before, grid, 'round', true, true)!;
    expect([clean.notCore, clean.offGrid, clean.notSummed]).toEqual([0, 0, 0]);
    hq[n - 1] = nextUp(hq[n - 1]);
    w[n - 1] = nextUp(w[n - 1]);
    const found = scanOnKernel(h, hq, w, before, grid, 'round', true, true)!;
    expect([found.notCore, found.offGrid, found.notSummed]).toEqual([1, 1, 1]);
  });

  it('a value out of the exact range: the kernel declines, the JS path takes the record', () => {
    const { h, hq, w, before, grid } = vectors(700, 1, 2, 10, 'round', 7, false);
    h[600] = 2 ** 60;
    expect(scanOnKernel(h, hq, w, before, grid, 'round', true, true)).toBeUndefined();
    expect(fusedJs(h, hq, w, before, grid, 'round', true).core).toBe(false);
  });

  it('vectors outside the kernels memory stay on the JS path', () => {
    const grid = makeGrid(1, 2, 3);
    const plain = new Float64Array(4);
    expect(scanOnKernel(plain, plain, plain, undefined, grid, 'round', true, true)).toBeUndefined();
    expect(scanOnKernel([0, 0], [0, 0], [0, 0], undefined, grid, 'round', true, true)).toBeUndefined();
  });
});
