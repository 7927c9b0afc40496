/**
 * SPEC §1 structure of the quantizer: idempotence, grid membership, nested grids G_p ⊂ G_{p+1},
 * monotonicity of Q, and the tie asymmetry of round. Inputs are in range with |Q·x| < 2^52: there
 * the doubles are finer than the cells, so "the double nearest to k/Q" names one grid point.
 */
import { describe, expect, it } from 'vitest';
import { gridIndex, makeGrid, quantize } from '../src/core/quantizer.ts';
import { expectCaught, findCounterexample, holds, RUNS } from './config.ts';
import { nonBinaryGridParamsArb } from './oracle.ts';
import {
  coreQuantizer,
  floorIdempotenceProperty,
  halfAwayQuantizer,
  membershipProperty,
  monotonicityProperty,
  naiveQuantizer,
  nestedGridProperty,
  roundIdempotenceProperty,
  tieAsymmetryProperty,
  tieInputs,
} from './quantizer.props.ts';
import fc from 'fast-check';

describe('§1 quantizer structure', () => {
  it('§1 round is idempotent on every grid: Q(Q(x)) = Q(x)', () => {
    holds(roundIdempotenceProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 floor is idempotent on binary grids; on any grid exactly when the output double is not below k/Q (else floor drops one cell)', () => {
    holds(floorIdempotenceProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 finding: on a non-binary grid floor is NOT idempotent for doubles (η=1, b=10, p=1: floor(0.30000000000000004) = 0.3 < 3/10, floor(0.3) = 0.2)', () => {
    const grid = makeGrid(1, 10, 1);
    const once = quantize(0.30000000000000004, grid, 'floor');
    expect(once).toBe(0.3);
    expect(quantize(once, grid, 'floor')).toBe(0.2);
    // round has no such defect: the output double is within half an ulp of its grid point.
    expect(quantize(quantize(0.30000000000000004, grid, 'round'), grid, 'round')).toBe(0.3);
  });

  it('§1 outputs lie on G_p: x^Q is the double nearest to k/Q for the reported grid integer k (both modes)', () => {
    holds(membershipProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 nested grids G_p ⊂ G_{p+1}: an output on G_p is the point b·k of G_{p+1} and round at p+1 leaves it unchanged', () => {
    holds(nestedGridProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 Q is monotone: x ≤ y ⇒ Q(x) ≤ Q(y) (neighbouring doubles at boundaries included, both modes)', () => {
    holds(monotonicityProperty(coreQuantizer), RUNS * 2);
  });

  it('§1 round is not odd-symmetric at ties: k(−x) = −k(x) + 1 when Q·x + ½ ∈ ℤ, else −k(x); so Q(−x) ≠ −Q(x) at ties', () => {
    holds(tieAsymmetryProperty(coreQuantizer), RUNS * 2);
    holds(tieAsymmetryProperty(coreQuantizer, fc.constant({ eta: 1, base: 2, p: 0 })), RUNS);
    holds(
      fc.property(tieInputs, (c) => {
        const grid = makeGrid(c.eta, c.base, c.p);
        return gridIndex(-c.x, grid, 'round') === -gridIndex(c.x, grid, 'round') + 1 && quantize(-c.x, grid, 'round') !== -quantize(c.x, grid, 'round');
      }),
    );
  });

  it('§1 the tie asymmetry property CATCHES a round half away from zero (odd-symmetric) quantizer', () => {
    const found = findCounterexample(halfAwayQuantizer.name, tieAsymmetryProperty(halfAwayQuantizer), Math.max(RUNS, 200));
    expectCaught(found);
  });

  it('§1 the membership property CATCHES the naive k/Q with an inexact Q (non-binary grid, negative p)', () => {
    const found = findCounterexample(naiveQuantizer.name + ' (membership)', membershipProperty(naiveQuantizer, nonBinaryGridParamsArb), Math.max(RUNS, 200));
    expectCaught(found);
  });
});
