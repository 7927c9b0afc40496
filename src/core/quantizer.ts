/**
 * The quantizer of Definition 2.1 (SPEC §1, eq. 1): x^Q = k / Q_p with Q_p = η·b^p and
 *   floor mode: k = ⌊Q_p·x⌋          (residue x − x^Q ∈ [0, 1/Q_p))
 *   round mode: k = ⌊Q_p·x + 1/2⌋    (error x^Q − x ∈ (−1/(2Q_p), 1/(2Q_p)])
 *
 * Contract: k is exact for the input double, and x^Q is the double nearest to the real k/Q_p.
 * A floating multiply gives k almost always; when the product lands within a few ulps of a cell
 * boundary, or the grid is not binary and the product could be off, k is recomputed with bigint.
 */
import { decompose, floorDiv, isPowerOfTwo, ratioToDouble, type Rational } from './exact.ts';

export type QuantMode = 'floor' | 'round';
export const QUANT_MODES: readonly QuantMode[] = ['floor', 'round'];

/** The parameters of one grid G_p = (1/Q_p)·ℤ. */
export interface GridParams {
  /** η, a positive integer (reference: 1). */
  readonly eta: number;
  /** b, an integer base ≥ 2 (reference: 2). */
  readonly base: number;
  /** p, an integer index, negative allowed. */
  readonly p: number;
}

/** Bad η, b or p: names the parameter. */
export class QuantizerParamError extends RangeError {
  constructor(readonly parameter: 'eta' | 'base' | 'p' | 'mode', message: string) {
    super(message);
    this.name = 'QuantizerParamError';
  }
}

/** An input the quantizer cannot represent exactly: non-finite, or |Q_p·x| ≥ 2^53. */
export class QuantizerRangeError extends RangeError {
  constructor(readonly value: number, readonly Q: number, message: string) {
    super(message);
    this.name = 'QuantizerRangeError';
  }
}

/** 2^53: beyond it consecutive integers are no longer all doubles, so k could not be exact. */
export const EXACT_LIMIT = 2 ** 53;

/** How k/Q is turned into a double: cheapest exact route first (the wasm kernels read it from Grid.route). */
export const enum ValueRoute {
  /** Q a power of two: k·(1/Q) is exact. */
  MultiplyInverse,
  /** Q an integer below 2^53: k/Q is one correctly rounded division. */
  DivideByQ,
  /** Q = η/b^m with both below 2^53: (k·b^m)/η while k·b^m stays exact. */
  ScaleThenDivide,
  /** Anything else: bigint. */
  Exact,
}

/** A validated grid with everything the hot loop needs precomputed. */
export interface Grid extends GridParams {
  /** Q_p as the double nearest to η·b^p. */
  readonly Q: number;
  /** Q_p exactly. */
  readonly exactQ: Rational;
  /** Q_p a power of two: products with it are exact. */
  readonly binary: boolean;
  /** 1/Q_p, the width of one cell (as a double). */
  readonly cell: number;
  /** @internal */
  readonly route: ValueRoute;
  /** @internal for ScaleThenDivide: b^m as a double. */
  readonly denominator: number;
}

/** The largest |log2 Q_p| accepted: keeps Q_p and 1/Q_p normal doubles. */
const MAX_LOG2_Q = 1000;

function checkInteger(name: 'eta' | 'base' | 'p', value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const need = min === -Infinity ? 'an integer' : `an integer >= ${min}`;
    throw new QuantizerParamError(name, `${name} must be ${need}, got ${value}`);
  }
}

const gridCache = new Map<string, Grid>();

/** The grid returned last: callers ask for the same one many times in a row (no key string to build). */
let lastGrid: Grid | undefined;

/** Validate (η, b, p) and precompute the grid G_p (SPEC §1). Cached: cheap to call per step. */
export function makeGrid(eta: number, base: number, p: number): Grid {
  if (lastGrid !== undefined && lastGrid.p === p && lastGrid.eta === eta && lastGrid.base === base) return lastGrid;
  lastGrid = makeGridUncached(eta, base, p);
  return lastGrid;
}

function makeGridUncached(eta: number, base: number, p: number): Grid {
  const key = `${eta}:${base}:${p}`;
  const cached = gridCache.get(key);
  if (cached) return cached;
  checkInteger('eta', eta, 1);
  checkInteger('base', base, 2);
  checkInteger('p', p, -Infinity);
  const log2Q = Math.log2(eta) + p * Math.log2(base);
  if (!(Math.abs(log2Q) <= MAX_LOG2_Q)) {
    throw new QuantizerParamError('p', `p = ${p} puts Q_p = ${eta}·${base}^${p} outside 2^±${MAX_LOG2_Q}`);
  }
  const power = BigInt(base) ** BigInt(Math.abs(p));
  const exactQ: Rational = p >= 0 ? { num: BigInt(eta) * power, den: 1n } : { num: BigInt(eta), den: power };
  const binary = isPowerOfTwo(exactQ.num) && isPowerOfTwo(exactQ.den);
  const Q = ratioToDouble(exactQ.num, exactQ.den);
  const limit = BigInt(EXACT_LIMIT);
  let route: ValueRoute;
  if (binary) route = ValueRoute.MultiplyInverse;
  else if (exactQ.den === 1n && exactQ.num <= limit) route = ValueRoute.DivideByQ;
  else if (exactQ.num <= limit && exactQ.den <= limit) route = ValueRoute.ScaleThenDivide;
  else route = ValueRoute.Exact;
  const grid: Grid = {
    eta,
    base,
    p,
    Q,
    exactQ,
    binary,
    cell: ratioToDouble(exactQ.den, exactQ.num),
    route,
    denominator: Number(exactQ.den),
  };
  gridCache.set(key, grid);
  return grid;
}

/** Q_p = η·b^p (SPEC §1, eq. 10), the double nearest to it. */
export function resolution(eta: number, base: number, p: number): number {
  return makeGrid(eta, base, p).Q;
}

export function checkMode(mode: string): asserts mode is QuantMode {
  if (mode !== 'floor' && mode !== 'round') {
    throw new QuantizerParamError('mode', `mode must be floor or round, got ${JSON.stringify(mode)}`);
  }
}

/** k from the exact product Q_p·x (SPEC §1): the slow path, and the definition. */
export function exactGridIndex(x: number, grid: Grid, mode: QuantMode): number {
  if (!Number.isFinite(x)) {
    throw new QuantizerRangeError(x, grid.Q, `cannot quantize non-finite value ${x}`);
  }
  const { mantissa, exponent } = decompose(x);
  let num = mantissa * grid.exactQ.num;
  let den = grid.exactQ.den;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  const magnitude = num < 0n ? -num : num;
  if (magnitude >= BigInt(EXACT_LIMIT) * den) {
    throw new QuantizerRangeError(x, grid.Q, `|Q·x| >= 2^53 for x = ${x}, Q = ${grid.Q}: beyond the exact range`);
  }
  const k = mode === 'floor' ? floorDiv(num, den) : floorDiv(2n * num + den, 2n * den);
  return Number(k);
}

/** Products this close (relative) to a cell boundary are re-decided exactly; 2^-50 covers the
 * two roundings (Q itself and the product) with room to spare. */
export const RELATIVE_MARGIN = 2 ** -50;
/** Absolute slack for products that underflow into the subnormal range. */
export const ABSOLUTE_MARGIN = 2 ** -1000;
/** Beyond 2^52 a double has no fractional bits left to decide with: go exact. */
export const FAST_LIMIT = 2 ** 52;
/** The smallest normal double: products below it may have lost bits to underflow. */
export const MIN_NORMAL = 2 ** -1022;

/** The grid integer k of x (SPEC §1, eq. 1), exact for every finite double. */
export function gridIndex(x: number, grid: Grid, mode: QuantMode): number {
  const y = x * grid.Q;
  if (!(Math.abs(y) < FAST_LIMIT)) return exactGridIndex(x, grid, mode);
  const below = Math.floor(y);
  const fraction = y - below;
  if (grid.binary) {
    // y is exact unless it underflowed; an underflowed y is decided by the sign of x.
    if (Math.abs(y) < MIN_NORMAL) {
      if (x === 0) return 0;
      return mode === 'floor' && x < 0 ? -1 : 0;
    }
    if (mode === 'floor') return below;
    return fraction >= 0.5 ? below + 1 : below;
  }
  const margin = Math.abs(y) * RELATIVE_MARGIN + ABSOLUTE_MARGIN;
  if (mode === 'floor') {
    if (fraction > margin && 1 - fraction > margin) return below;
  } else {
    const distance = fraction - 0.5;
    if (distance > margin) return below + 1;
    if (distance < -margin) return below;
  }
  return exactGridIndex(x, grid, mode);
}

/** k/Q_p as the nearest double (SPEC §1 output contract). */
export function gridValue(k: number, grid: Grid): number {
  if (k === 0) return 0;
  switch (grid.route) {
    case ValueRoute.MultiplyInverse:
      return k * grid.cell;
    case ValueRoute.DivideByQ:
      return k / grid.Q;
    case ValueRoute.ScaleThenDivide: {
      const scaled = k * grid.denominator;
      if (Math.abs(scaled) <= EXACT_LIMIT) return scaled / grid.eta;
      break;
    }
    default:
      break;
  }
  return ratioToDouble(BigInt(k) * grid.exactQ.den, grid.exactQ.num);
}

/** x^Q (SPEC §1, eq. 1). Throws QuantizerRangeError for non-finite x or |Q·x| ≥ 2^53. */
export function quantize(x: number, grid: Grid, mode: QuantMode): number {
  return gridValue(gridIndex(x, grid, mode), grid);
}

/**
 * Quantize n values of src from srcOffset into dst from dstOffset (the vector form of eq. 1;
 * src and dst may be the same array). Returns how many outputs are non-zero, which is what the
 * vanishing test of Algorithm B.2a needs.
 */
export function quantizeInto(
  src: Float64Array,
  srcOffset: number,
  dst: Float64Array,
  dstOffset: number,
  n: number,
  grid: Grid,
  mode: QuantMode,
): number {
  let nonZero = 0;
  if (grid.binary) {
    // The common case (η = 1, b = 2) gets its own loops: the product is exact, so k is one floor
    // (plus a branch-free tie test in round mode; a data-dependent branch here costs 4x).
    // Products that underflow or leave the fast range take the general path.
    const Q = grid.Q;
    const cell = grid.cell;
    if (mode === 'round') {
      for (let i = 0; i < n; i++) {
        const x = src[srcOffset + i];
        const y = x * Q;
        const magnitude = Math.abs(y);
        let k: number;
        if (magnitude >= MIN_NORMAL && magnitude < FAST_LIMIT) {
          const below = Math.floor(y);
          k = below + +(y - below >= 0.5);
        } else {
          k = gridIndex(x, grid, mode);
        }
        const value = k * cell + 0; // + 0 turns −0 into 0
        dst[dstOffset + i] = value;
        nonZero += +(value !== 0);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const x = src[srcOffset + i];
        const y = x * Q;
        const magnitude = Math.abs(y);
        const k = magnitude >= MIN_NORMAL && magnitude < FAST_LIMIT ? Math.floor(y) : gridIndex(x, grid, mode);
        const value = k * cell + 0;
        dst[dstOffset + i] = value;
        nonZero += +(value !== 0);
      }
    }
    return nonZero;
  }
  // Other grids: gridIndex's float decision inlined, with the round/no-round choice made
  // branch-free (a data-dependent branch on random inputs cost 2.7x here); only products within
  // the margin of a cell boundary (rare, so a predictable branch) go to the exact path.
  const Q = grid.Q;
  // k/Q inlined for integer Q (η = 3, b = 10, p ≥ 0 …): a call per element cost 2x here.
  const divideByQ = grid.route === ValueRoute.DivideByQ;
  for (let i = 0; i < n; i++) {
    const x = src[srcOffset + i];
    const y = x * Q;
    const magnitude = Math.abs(y);
    let k: number;
    if (magnitude < FAST_LIMIT) {
      const below = Math.floor(y);
      const fraction = y - below;
      const margin = magnitude * RELATIVE_MARGIN + ABSOLUTE_MARGIN;
      if (mode === 'round') {
        k = Math.abs(fraction - 0.5) > margin ? below + +(fraction >= 0.5) : exactGridIndex(x, grid, mode);
      } else {
        k = fraction > margin && 1 - fraction > margin ? below : exactGridIndex(x, grid, mode);
      }
    } else {
      k = exactGridIndex(x, grid, mode);
    }
    const value = divideByQ ? k / Q + 0 : gridValue(k, grid); // + 0 turns −0 into 0
    dst[dstOffset + i] = value;
    nonZero += +(value !== 0);
  }
  return nonZero;
}

/** Quantize a whole vector into a new array (or into out). */
export function quantizeVector(x: Float64Array, grid: Grid, mode: QuantMode, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(x.length);
  quantizeInto(x, 0, result, 0, x.length, grid, mode);
  return result;
}

/** The quantization error e = x^Q − x as reported to users (SPEC §1). */
export function quantizationError(x: number, grid: Grid, mode: QuantMode): number {
  return quantize(x, grid, mode) - x;
}

/** The integer p with η·b^p = Q exactly (SPEC §1, eq. 1 inverted), or undefined: how a trace's Q names its index. */
export function indexOfResolution(Q: number, eta: number, base: number): number | undefined {
  const guess = Math.round(Math.log(Q / eta) / Math.log(base));
  for (const p of [guess, guess - 1, guess + 1]) {
    try {
      if (makeGrid(eta, base, p).Q === Q) return p;
    } catch {
      // outside the grid range: not this p
    }
  }
  return undefined;
}
