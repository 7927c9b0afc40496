/**
 * float32-aware checking: the output of an implementation that computes in float32 is accepted
 * under a float32 header (including its legitimate off-by-one grid integers near cell
 * boundaries), a step one cell off is still rejected, and the exact float64 check would reject
 * float32 output (so the property can fail).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectCaught, findCounterexample, holds } from '../../properties/config.ts';
import { makeGrid, type QuantMode } from '../../src/core/quantizer.ts';
import { REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import { quantize as quantizeRule } from '../../src/check/rules/quantize.ts';
import type { Precision, TraceSettings } from '../../src/check/trace.ts';

const f = Math.fround;

/** What a float32 implementation computes: every operation rounded to float32. */
function quantizeFloat32(h: number, Q: number, mode: QuantMode): number {
  const y = f(f(h) * f(Q));
  let k = Math.floor(y);
  if (mode === 'round' && f(y - k) >= 0.5) k += 1;
  return f(k / f(Q));
}

function settings(precision: Precision, mode: QuantMode, eta: number, base: number): TraceSettings {
  const header = {
    format: 'qle-trace' as const,
    version: 1 as const,
    mode,
    eta,
    base,
    kappa: REFERENCE_SCHEDULE.kappa,
    C: 1e-6,
    beta: 20,
    pMax: 40,
    timeUnit: 'step' as const,
    b2a: true,
    b2b: true,
    precision,
  };
  return {
    header,
    params: { ...REFERENCE_SCHEDULE, eta, base, p0: 0, pMax: 40 },
    switches: { avoidVanishing: true, bound: true },
    reading: { granularity: 'all', test: 'all-zero', cap: 'strict', mode, b2aOnFirstStep: true },
  };
}

const grids = fc.constantFrom([1, 2], [3, 10], [1, 3], [5, 7]);
const input = fc.record({
  grid: grids,
  p: fc.integer({ min: -3, max: 12 }),
  mode: fc.constantFrom<QuantMode>('round', 'floor'),
  // Steps of a few cells, and values right at cell boundaries (where float32 may pick the neighbour).
  cells: fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.integer({ min: -50, max: 50 }).map((k) => k + 0.5), fc.integer({ min: -50, max: 50 })),
});

function verdict(precision: Precision, { grid: [eta, base], p, mode, cells }: { grid: readonly number[]; p: number; mode: QuantMode; cells: number }, shift = 0) {
  const grid = makeGrid(eta, base, p);
  const h = f(cells / grid.Q);
  const hq = f(quantizeFloat32(h, grid.Q, mode) + shift * grid.cell);
  const s = settings(precision, mode, eta, base);
  return quantizeRule.create(s)({ line: 2, t: 0, p, h: [h], hq: [hq] }, { settings: s, grid });
}

describe('quantize rule at float32', () => {
  it('accepts what a float32 implementation computes', () => {
    holds(fc.property(input, (x) => verdict('float32', x) === undefined));
  });

  it('rejects a float32 step one cell off', () => {
    holds(
      fc.property(input, fc.constantFrom(-1, 1), (x, shift) => {
        // Away from cell boundaries (there the neighbour is a legitimate float32 answer).
        const fraction = x.cells - Math.floor(x.cells);
        const boundary = x.mode === 'round' ? 0.5 : 0;
        fc.pre(Math.abs(fraction - boundary) > 0.01 && Math.abs(fraction - boundary - 1) > 0.01);
        return verdict('float32', x, shift) !== undefined;
      }),
    );
  });

  it('the exact float64 rule rejects float32 output: the acceptance property can fail', () => {
    expectCaught(findCounterexample('float64-exact rule on float32 output', fc.property(input, (x) => verdict('float64', x) === undefined)));
  });
});
