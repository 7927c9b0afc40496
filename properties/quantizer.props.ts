/**
 * The quantizer properties of SPEC §1 as functions of the implementation under test, so the same
 * property runs against the core and against deliberately broken variants.
 */
import fc from 'fast-check';
import {
  gridIndex,
  makeGrid,
  quantize,
  QuantizerRangeError,
  type Grid,
  type GridParams,
  type QuantMode,
} from '../src/core/quantizer.ts';
import {
  abs,
  add,
  exact,
  exactCell,
  fromInteger,
  gridAndInputArb,
  gridIntegerOf,
  gridParamsArb,
  gridPoint,
  HALF,
  inRange,
  inputArb,
  isInteger,
  le,
  lt,
  mul,
  nearestDoubleOfGridPoint,
  neg,
  nextUp,
  ratToString,
  stepDoubles,
  sub,
  ZERO,
  type InputKind,
} from './oracle.ts';

/**
 * What the properties need of a quantizer: the output double x^Q and, when it reports one, the
 * grid integer k. The vitest suites and the conformance kit (src/conformance) run the same
 * builders below against the core, broken variants and users' implementations.
 */
export interface QuantizerUnderTest {
  readonly name: string;
  quantize(x: number, grid: Grid, mode: QuantMode): number;
  /** The grid integer k; without it, k is read off the output (which must then lie on G_p). */
  index?(x: number, grid: Grid, mode: QuantMode): number;
  /** The modes it implements (default both). */
  readonly modes?: readonly QuantMode[];
  /**
   * How it refuses |Q·x| ≥ 2^53: by throwing an error this predicate accepts (default: the
   * core's QuantizerRangeError), or 'unchecked': no claim about inputs beyond the range.
   */
  readonly rangeError?: ((error: unknown) => boolean) | 'unchecked';
}

export const coreQuantizer: QuantizerUnderTest = { name: 'core', index: gridIndex, quantize };

/** The modes an implementation is tested in. */
export function modesOf(impl: QuantizerUnderTest): fc.Arbitrary<QuantMode> {
  return fc.constantFrom(...(impl.modes ?? (['floor', 'round'] as const)));
}

/** k as the implementation reports it, or as read off its output (an error when off the grid). */
export function indexOf(impl: QuantizerUnderTest, x: number, grid: Grid, mode: QuantMode): number {
  if (impl.index) return impl.index(x, grid, mode);
  const value = impl.quantize(x, grid, mode);
  const k = gridIntegerOf(value, grid);
  if (k === null) throw new Error(`x^Q = ${value} is not the double nearest to any grid point k/Q`);
  return Number(k);
}

// ---------------------------------------------------------------------------------------------
// Deliberately broken variants (each one is a mistake a real implementation makes).

const naiveIndex = (x: number, grid: Grid, mode: QuantMode) => (mode === 'floor' ? Math.floor(grid.Q * x) : Math.floor(grid.Q * x + 0.5));

/** The textbook one-liner: k = ⌊Q·x⌋ (or ⌊Q·x + ½⌋) in floating point, no range check. */
export const naiveQuantizer: QuantizerUnderTest = {
  name: 'naive Math.floor(Q*x)/Q',
  index: naiveIndex,
  quantize: (x, grid, mode) => naiveIndex(x, grid, mode) / grid.Q,
};

const mathRoundIndex = (x: number, grid: Grid, mode: QuantMode) => (mode === 'floor' ? gridIndex(x, grid, mode) : Math.round(grid.Q * x));

/** round as Math.round(Q·x)/Q: right at exact ties, wrong where Q·x is not exact. */
export const mathRoundQuantizer: QuantizerUnderTest = {
  name: 'Math.round(Q*x)/Q',
  index: mathRoundIndex,
  quantize: (x, grid, mode) => mathRoundIndex(x, grid, mode) / grid.Q,
};

/** round half away from zero (C's round()): odd-symmetric, so it loses SPEC §1's tie asymmetry. */
export const halfAwayQuantizer: QuantizerUnderTest = {
  name: 'round half away from zero',
  index(x, grid, mode) {
    if (mode === 'floor') return gridIndex(x, grid, mode);
    const k = gridIndex(Math.abs(x), grid, 'round');
    return x < 0 ? -k : k;
  },
  quantize(x, grid, mode) {
    if (mode === 'floor') return quantize(x, grid, mode);
    const v = quantize(Math.abs(x), grid, 'round');
    return x < 0 ? -v : v;
  },
};

// ---------------------------------------------------------------------------------------------
// §1 bounds.

type Case = { eta: number; base: number; p: number; x: number };
const gridOf = (c: GridParams): Grid => makeGrid(c.eta, c.base, c.p);

function throwsRangeError(impl: QuantizerUnderTest, f: () => unknown): boolean {
  const accepts = typeof impl.rangeError === 'function' ? impl.rangeError : (error: unknown) => error instanceof QuantizerRangeError;
  try {
    f();
    return false;
  } catch (error) {
    if (accepts(error)) return true;
    throw error;
  }
}

/** The grid integer SPEC §1 defines, in exact arithmetic: ⌊Q·x⌋ or ⌊Q·x + ½⌋. */
function exactIndex(x: number, grid: Grid, mode: QuantMode): bigint {
  const scaled = mul(exact(x), grid.exactQ);
  const shifted = mode === 'floor' ? scaled : add(scaled, HALF);
  const q = shifted.num / shifted.den; // bigint division truncates toward zero
  return shifted.num < 0n && q * shifted.den !== shifted.num ? q - 1n : q;
}

/**
 * The exact bound check of one case: beyond the range both calls throw QuantizerRangeError; inside
 * it k satisfies the mode's bound in exact arithmetic and x^Q is the double nearest to k/Q. An
 * implementation that reports no k must return the double nearest to the exact k/Q.
 */
export function checkBound(impl: QuantizerUnderTest, c: Case, mode: QuantMode): void {
  const grid = gridOf(c);
  const { x } = c;
  if (!inRange(x, grid)) {
    if (impl.rangeError === 'unchecked') return;
    const index = impl.index;
    if ((index && !throwsRangeError(impl, () => index(x, grid, mode))) || !throwsRangeError(impl, () => impl.quantize(x, grid, mode))) {
      throw new Error(`|Q·x| >= 2^53 but no range error`);
    }
    return;
  }
  if (!impl.index) {
    const value = impl.quantize(x, grid, mode);
    const k = exactIndex(x, grid, mode);
    const expected = nearestDoubleOfGridPoint(k, grid);
    if (!Object.is(value + 0, expected + 0)) throw new Error(`x^Q = ${value}, expected ${expected}, the double nearest to k/Q with k = ${k}`);
    return;
  }
  const k = impl.index(x, grid, mode);
  if (!Number.isInteger(k) || Math.abs(k) > 2 ** 53) throw new Error(`k = ${k} is not an integer within ±2^53`);
  const point = gridPoint(k, grid);
  const cell = exactCell(grid);
  if (mode === 'floor') {
    // residue r = x − k/Q ∈ [0, 1/Q)
    const r = sub(exact(x), point);
    if (!(le(ZERO, r) && lt(r, cell))) throw new Error(`floor residue ${ratToString(r)} outside [0, 1/Q), k = ${k}`);
  } else {
    // error e = k/Q − x ∈ (−1/(2Q), 1/(2Q)]
    const e = sub(point, exact(x));
    const half = mul(cell, HALF);
    if (!(lt(neg(half), e) && le(e, half))) throw new Error(`round error ${ratToString(e)} outside (−1/(2Q), 1/(2Q)], k = ${k}`);
  }
  const value = impl.quantize(x, grid, mode);
  const expected = nearestDoubleOfGridPoint(k, grid);
  if (!Object.is(value + 0, expected + 0)) throw new Error(`x^Q = ${value} is not the double nearest to k/Q = ${expected}`);
}

export function boundProperty(
  impl: QuantizerUnderTest,
  mode: QuantMode,
  grids: fc.Arbitrary<GridParams> = gridParamsArb,
  kinds?: readonly InputKind[],
) {
  return fc.property(gridAndInputArb(grids, kinds), (c) => checkBound(impl, c, mode));
}

/** Beyond-range inputs throw, in-range inputs do not (SPEC §1). */
export function rangeProperty(impl: QuantizerUnderTest, grids: fc.Arbitrary<GridParams> = gridParamsArb) {
  return fc.property(gridAndInputArb(grids, ['any', 'rangeEdge']), modesOf(impl), (c, mode) => {
    const grid = gridOf(c);
    const outside = !inRange(c.x, grid);
    if (outside) return throwsRangeError(impl, () => impl.quantize(c.x, grid, mode));
    impl.quantize(c.x, grid, mode);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// §1 structure. Inputs in range, |k| < 2^52 (there doubles are finer than cells; see the suite).

const STRUCTURE_KINDS: readonly InputKind[] = ['inRange', 'subnormal', 'boundary', 'tie'];
const structureCase = (grids: fc.Arbitrary<GridParams> = gridParamsArb) =>
  gridAndInputArb(grids, STRUCTURE_KINDS).filter((c) => {
    const grid = gridOf(c);
    return inRange(c.x, grid) && lt(abs(mul(exact(c.x), grid.exactQ)), fromInteger(2 ** 52));
  });

/** Round is idempotent on every grid: Q(Q(x)) = Q(x). */
export function roundIdempotenceProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(structureCase(grids), (c) => {
    const grid = gridOf(c);
    const once = impl.quantize(c.x, grid, 'round');
    return Object.is(impl.quantize(once, grid, 'round') + 0, once + 0);
  });
}

/**
 * Floor is idempotent exactly when the output double is not below its real grid point k/Q: always
 * on binary grids (the output is k/Q itself); on other grids the double nearest to k/Q may lie
 * below it and then floor drops one more cell (SPEC §1 output contract, a consequence).
 */
export function floorIdempotenceProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(structureCase(grids), (c) => {
    const grid = gridOf(c);
    const k = indexOf(impl, c.x, grid, 'floor');
    const once = impl.quantize(c.x, grid, 'floor');
    const twice = impl.quantize(once, grid, 'floor');
    const notBelow = le(gridPoint(k, grid), exact(once));
    if (grid.binary && !notBelow) throw new Error('binary grid: output differs from k/Q');
    return notBelow ? Object.is(twice + 0, once + 0) : indexOf(impl, once, grid, 'floor') === k - 1;
  });
}

/** Outputs lie on G_p: x^Q is the double nearest to k/Q with k the reported grid integer. */
export function membershipProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(structureCase(grids), modesOf(impl), (c, mode) => {
    const grid = gridOf(c);
    const k = indexOf(impl, c.x, grid, mode);
    return gridIntegerOf(impl.quantize(c.x, grid, mode), grid) === BigInt(k);
  });
}

/** G_p ⊂ G_{p+1}: an output on G_p is the point b·k of G_{p+1}, and round at p+1 leaves it alone (|b·k| < 2^52). */
export function nestedGridProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(structureCase(grids), modesOf(impl), (c, mode) => {
    const grid = gridOf(c);
    const finer = makeGrid(c.eta, c.base, c.p + 1);
    const k = indexOf(impl, c.x, grid, mode);
    const value = impl.quantize(c.x, grid, mode);
    // the finer grid has b times the integers: stay below 2^52 there too
    fc.pre(Math.abs(k * c.base) < 2 ** 52);
    return (
      gridIntegerOf(value, finer) === BigInt(k) * BigInt(c.base) &&
      Object.is(impl.quantize(value, finer, 'round') + 0, value + 0)
    );
  });
}

/** x ≤ y ⇒ Q(x) ≤ Q(y), also for neighbouring doubles around cell boundaries. */
export function monotonicityProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(
    structureCase(grids),
    fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })),
    modesOf(impl),
    (c, other, mode) => {
      const grid = gridOf(c);
      const y = Number.isInteger(other) && Math.abs(other) <= 4 ? stepDoubles(c.x, other) : c.x + other / grid.Q;
      if (!inRange(y, grid)) return true;
      const [lo, hi] = c.x <= y ? [c.x, y] : [y, c.x];
      return impl.quantize(lo, grid, mode) <= impl.quantize(hi, grid, mode);
    },
  );
}

/**
 * The tie asymmetry of round: k(−x) = −k(x) + 1 when Q·x + ½ is an integer (a tie), else −k(x).
 * At ties Q(−x) ≠ −Q(x).
 */
export function tieAsymmetryProperty(impl: QuantizerUnderTest, grids?: fc.Arbitrary<GridParams>) {
  return fc.property(structureCase(grids), (c) => {
    const grid = gridOf(c);
    const tie = isInteger(add(mul(exact(c.x), grid.exactQ), HALF));
    const k = indexOf(impl, c.x, grid, 'round');
    const kNeg = indexOf(impl, -c.x, grid, 'round');
    if (kNeg !== -k + (tie ? 1 : 0)) return false;
    if (tie && impl.quantize(-c.x, grid, 'round') === -impl.quantize(c.x, grid, 'round')) return false;
    return true;
  });
}

/** Inputs made only of exact ties of binary grids, where the tie asymmetry must show. */
export const tieInputs = fc
  .record({ p: fc.integer({ min: -30, max: 30 }), k: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) })
  .map(({ p, k }) => ({ eta: 1, base: 2, p, x: (k + 0.5) / 2 ** p }));

export { inputArb, nextUp };
