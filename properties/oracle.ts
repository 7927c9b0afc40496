/**
 * The exact oracle of the property suites: rationals over bigint built from the exact value of a
 * double (src/core/exact.ts toRational, never an approximating fraction(x)), bit stepping between
 * neighbouring doubles, and the fast-check generators of grids and inputs (SPEC §1).
 */
import fc from 'fast-check';
import { compareRational, ratioToDouble, toRational, type Rational } from '../src/core/exact.ts';
import { EXACT_LIMIT, makeGrid, type Grid, type GridParams } from '../src/core/quantizer.ts';
import { nextDown, nextUp } from '../src/core/floats.ts';

// ---------------------------------------------------------------------------------------------
// Exact rational arithmetic (den > 0 always).

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  return den < 0n ? { num: -num, den: -den } : { num, den };
}
export const add = (a: Rational, b: Rational): Rational => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational): Rational => rational(a.num * b.den - b.num * a.den, a.den * b.den);
export const mul = (a: Rational, b: Rational): Rational => rational(a.num * b.num, a.den * b.den);
export const div = (a: Rational, b: Rational): Rational => rational(a.num * b.den, a.den * b.num);
export const neg = (a: Rational): Rational => ({ num: -a.num, den: a.den });
export const abs = (a: Rational): Rational => (a.num < 0n ? neg(a) : a);
export const cmp = compareRational;
export const lt = (a: Rational, b: Rational) => cmp(a, b) < 0;
export const le = (a: Rational, b: Rational) => cmp(a, b) <= 0;
export const isInteger = (a: Rational) => a.num % a.den === 0n;
export const ZERO: Rational = { num: 0n, den: 1n };
export const HALF: Rational = { num: 1n, den: 2n };
export const ONE: Rational = { num: 1n, den: 1n };
export const exact = (x: number): Rational => toRational(x);
export const fromInteger = (k: number | bigint): Rational => ({ num: BigInt(k), den: 1n });
export const ratToString = (a: Rational) => `${a.num}/${a.den}`;

/** The nearest integer to a rational (ties up). */
export function nearestInteger(a: Rational): bigint {
  const twice = 2n * a.num + a.den;
  const den = 2n * a.den;
  const q = twice / den;
  return twice % den !== 0n && twice < 0n ? q - 1n : q;
}

/** Q_p exactly, and 1/Q_p. */
export const exactQ = (grid: Grid): Rational => grid.exactQ;
export const exactCell = (grid: Grid): Rational => div(ONE, grid.exactQ);

/** The real grid point k/Q_p. */
export const gridPoint = (k: number | bigint, grid: Grid): Rational => div(fromInteger(k), grid.exactQ);

/** The double nearest to k/Q_p (the SPEC §1 output contract), computed by the bigint route. */
export const nearestDoubleOfGridPoint = (k: number | bigint, grid: Grid): number =>
  ratioToDouble(BigInt(k) * grid.exactQ.den, grid.exactQ.num);

/**
 * Grid membership of a double v (SPEC §1, §3): v is the double nearest to some real grid point
 * k/Q_p. Returns that k, or null. Only |k| < 2^52 is decided (there doubles are finer than cells).
 */
export function gridIntegerOf(v: number, grid: Grid): bigint | null {
  const k = nearestInteger(mul(exact(v), grid.exactQ));
  return nearestDoubleOfGridPoint(k, grid) === v ? k : null;
}

// ---------------------------------------------------------------------------------------------
// Neighbouring doubles by stepping the bit pattern.

// Neighbouring doubles come from the core's bit-level helper (not a SPEC formula, so sharing it
// does not weaken the oracle).
export { nextDown, nextUp };

/** x moved by `steps` doubles (negative: down). */
export function stepDoubles(x: number, steps: number): number {
  let y = x;
  for (let i = 0; i < Math.abs(steps); i++) y = steps > 0 ? nextUp(y) : nextDown(y);
  return y;
}

// ---------------------------------------------------------------------------------------------
// Generators.

/** Grids of SPEC §1: binary (η·b^p a power of two) and non-binary (η = 3, b = 10; b = 3; …), p < 0 too. */
export const gridParamsArb: fc.Arbitrary<GridParams> = fc.oneof(
  fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: -60, max: 60 }) }),
  fc.record({ eta: fc.constantFrom(1, 2, 4), base: fc.constantFrom(4, 8), p: fc.integer({ min: -20, max: 20 }) }),
  fc.record({ eta: fc.constant(3), base: fc.constant(10), p: fc.integer({ min: -22, max: 22 }) }),
  fc.record({ eta: fc.constantFrom(1, 3), base: fc.constant(10), p: fc.integer({ min: -22, max: 22 }) }),
  fc.record({ eta: fc.constantFrom(1, 2, 5), base: fc.constant(3), p: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ eta: fc.integer({ min: 1, max: 1000 }), base: fc.integer({ min: 2, max: 16 }), p: fc.integer({ min: -12, max: 12 }) }),
);

/** Only the reference's binary grids (η = 1, b = 2), for implementations that support no other. */
export const binaryGridParamsArb: fc.Arbitrary<GridParams> = fc.record({ eta: fc.constant(1), base: fc.constant(2), p: fc.integer({ min: -60, max: 60 }) });

/** Only non-binary grids: where a naive Math.floor(Q·x)/Q can land one cell off. */
export const nonBinaryGridParamsArb: fc.Arbitrary<GridParams> = fc.oneof(
  fc.record({ eta: fc.constant(3), base: fc.constant(10), p: fc.integer({ min: -22, max: 22 }) }),
  fc.record({ eta: fc.constantFrom(1, 2, 5), base: fc.constant(3), p: fc.integer({ min: -30, max: 30 }) }),
  fc.record({ eta: fc.constantFrom(3, 5, 7), base: fc.constant(2), p: fc.integer({ min: -30, max: 30 }) }),
);

export const modeArb = fc.constantFrom('floor' as const, 'round' as const);

/** The largest |x| whose product with Q stays below 2^53, as a double just inside the range. */
export function rangeLimit(grid: Grid): number {
  return nearestDoubleOfGridPoint(BigInt(EXACT_LIMIT), grid);
}

/** |Q·x| < 2^53 exactly (SPEC §1 exact range). */
export function inRange(x: number, grid: Grid): boolean {
  return lt(abs(mul(exact(x), grid.exactQ)), fromInteger(EXACT_LIMIT));
}

/** Grid integers: small, medium and near the 2^53 limit, both signs. */
export const gridIntegerArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.maxSafeInteger(),
  fc.integer({ min: 2 ** 52 - 1000, max: 2 ** 53 - 2 }).map((k) => k),
  fc.integer({ min: 2 ** 52 - 1000, max: 2 ** 53 - 2 }).map((k) => -k),
);

/** How an input double is built for a grid. */
export type InputKind = 'any' | 'inRange' | 'subnormal' | 'boundary' | 'tie' | 'rangeEdge';

/**
 * Input doubles for one grid: any finite double (beyond-range ones must throw), doubles uniform
 * in the exact range, subnormals, the doubles nearest to cell boundaries k/Q and to the round
 * thresholds (k + 1/2)/Q with up to 3 neighbours either side, and doubles around ±2^53/Q.
 */
export function inputArb(grid: Grid, kinds: readonly InputKind[] = ['any', 'inRange', 'subnormal', 'boundary', 'tie', 'rangeEdge']): fc.Arbitrary<number> {
  const limit = rangeLimit(grid);
  const steps = fc.integer({ min: -3, max: 3 });
  const choices: Record<InputKind, fc.Arbitrary<number>> = {
    any: fc.double({ noNaN: true, noDefaultInfinity: true }),
    inRange: fc.double({ noNaN: true, noDefaultInfinity: true, min: -limit, max: limit }),
    subnormal: fc.double({ noNaN: true, min: -(2 ** -1022), max: 2 ** -1022 }),
    boundary: fc
      .tuple(gridIntegerArb, steps)
      .map(([k, s]) => stepDoubles(nearestDoubleOfGridPoint(k, grid), s)),
    tie: fc
      .tuple(gridIntegerArb, steps)
      .map(([k, s]) => stepDoubles(ratioToDouble((2n * BigInt(k) + 1n) * grid.exactQ.den, 2n * grid.exactQ.num), s)),
    rangeEdge: fc.tuple(fc.boolean(), steps).map(([negative, s]) => stepDoubles(negative ? -limit : limit, s)),
  };
  return fc.oneof(...kinds.map((kind) => choices[kind])).filter((x) => Number.isFinite(x));
}

/** A grid and an input for it, as plain values (readable counterexamples); build the grid with makeGrid. */
export function gridAndInputArb(
  grids: fc.Arbitrary<GridParams> = gridParamsArb,
  kinds?: readonly InputKind[],
): fc.Arbitrary<{ eta: number; base: number; p: number; x: number }> {
  return grids.chain((params) => {
    const grid = makeGrid(params.eta, params.base, params.p);
    return inputArb(grid, kinds).map((x) => ({ eta: params.eta, base: params.base, p: params.p, x }));
  });
}

/** Show a grid compactly in counterexamples. */
export const describeGrid = (grid: GridParams) => `η=${grid.eta}, b=${grid.base}, p=${grid.p}`;
