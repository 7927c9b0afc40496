/**
 * qle's elementary functions (src/core/elementary.ts) and their SIMD twins in the wasm kernels:
 * the constants are what they claim, the twins give the same bits for every input (both lanes,
 * adversarial arguments included), and the functions are accurate.
 */
import { describe, expect, it } from 'vitest';
import * as E from '../core/elementary.ts';
import { ratioToDouble, toRational } from '../core/exact.ts';
import { nextDown, nextUp, ulp64 } from '../core/floats.ts';
import { createRng } from '../core/rng.ts';
import { kernels } from './kernels.ts';

const k = kernels();
if (!k) throw new Error('these tests compare the wasm kernels: unset QLE_WASM');

/** 50 decimals of π and ln 2: the tails of the double-double constants are checked against them. */
const PI_50 = 314159265358979323846264338327950288419716939937510n;
const LN2_50 = 69314718055994530941723212145817656807550013436025n;
const SCALE_50 = 10n ** 50n;
const SCALE_LN2 = 10n ** 50n;

/** The double nearest to (decimal/scale − x). */
function tail(decimal: bigint, scale: bigint, x: number): number {
  const r = toRational(x);
  return ratioToDouble(decimal * r.den - r.num * scale, scale * r.den);
}

function significantBits(x: number): number {
  const { num, den } = toRational(Math.abs(x));
  let n = num;
  while (n % 2n === 0n && n > 0n) n /= 2n;
  void den;
  return n.toString(2).length;
}

const FUNCTIONS = [
  { name: 'sin', which: 0, js: E.sin },
  { name: 'cos', which: 1, js: E.cos },
  { name: 'exp', which: 2, js: E.exp },
  { name: 'sinPi', which: 3, js: E.sinPi },
  { name: 'cosPi', which: 4, js: E.cosPi },
] as const;

function wasmValues(which: number, inputs: readonly number[]): Float64Array {
  const kernel = k as NonNullable<typeof k>;
  const src = kernel.float64(inputs.length);
  const dst = kernel.float64(inputs.length);
  src.set(inputs);
  kernel.exports.elementaryRange(which, kernel.address(src), kernel.address(dst), inputs.length);
  return dst;
}

const around = (x: number, steps: number) => {
  const out = [x];
  let up = x;
  let down = x;
  for (let i = 0; i < steps; i++) {
    up = nextUp(up);
    down = nextDown(down);
    out.push(up, down);
  }
  return out;
};

/** Arguments that stress the reductions and the special cases. */
function adversarialInputs(): number[] {
  const rng = createRng(1401);
  const inputs: number[] = [
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    2 ** -1022,
    2 ** -1074 * 3,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
  ];
  for (const e of [20, 30, 50, 51, 52, 53, 60, 100, 700, 709, 710, 745, 746, 800, 1000]) inputs.push(2 ** e, -(2 ** e), nextDown(2 ** e), -nextUp(2 ** e));
  // Near multiples of π/2 (where sin/cos vanish and the reduction cancels) and of ½ (sinPi/cosPi).
  for (let j = -40; j <= 40; j++) {
    inputs.push(...around((j * Math.PI) / 2, 2), ...around(j / 2, 2), ...around(j * Math.LN2, 1));
  }
  for (const j of [1e3, 1e5, 1e7, 2 ** 21, 2 ** 30]) inputs.push(...around(j * Math.PI, 1), ...around(j + 0.5, 1));
  for (let i = 0; i < 4000; i++) {
    inputs.push((rng.uniform() - 0.5) * 2e4);
    inputs.push((rng.uniform() - 0.5) * 10 ** (rng.uniform() * 40 - 20));
    inputs.push((rng.uniform() - 0.5) * 1600);
  }
  return inputs;
}

describe('elementary constants', () => {
  it('split π and ln 2 exactly where the reductions need it', () => {
    expect(E.PI_1 + E.PI_2).toBe(Math.PI);
    expect(significantBits(E.PI_1)).toBeLessThanOrEqual(30);
    expect(significantBits(E.PI_2)).toBeLessThanOrEqual(23);
    expect(E.PI_3).toBe(tail(PI_50, SCALE_50, Math.PI));
    expect(significantBits(E.LN2_1)).toBeLessThanOrEqual(32);
    expect(E.LN2_2).toBe(Math.LN2 - E.LN2_1 + tail(LN2_50, SCALE_LN2, Math.LN2));
  });

  it('Taylor coefficients are 1/n! with the right signs', () => {
    E.SIN_COEFFICIENTS.forEach((c, j) =>
      expect(c).toBe(
        (j % 2 === 0 ? -1 : 1) / [6, 120, 5040, 362880, 39916800, 6227020800, 1307674368000, 355687428096000, 121645100408832000, 51090942171709440000][j],
      ),
    );
    E.EXP_COEFFICIENTS.forEach((c, j) => {
      let f = 1;
      for (let i = 2; i <= j; i++) f *= i;
      expect(c).toBe(1 / f);
    });
  });
});

describe('wasm elementary functions = the JS definitions, bit for bit', () => {
  const inputs = adversarialInputs();
  for (const f of FUNCTIONS) {
    it(`${f.name} on ${inputs.length} adversarial and random arguments, both lanes`, () => {
      // Odd and even offsets: every argument goes through lane 0 once and lane 1 once.
      for (const shifted of [inputs, [1.5, ...inputs]]) {
        const got = wasmValues(f.which, shifted);
        let mismatches = 0;
        let first = '';
        shifted.forEach((x, i) => {
          const want = f.js(x);
          const same = Object.is(want, got[i]) || (Number.isNaN(want) && Number.isNaN(got[i]));
          if (!same && mismatches++ === 0) first = `${f.name}(${x}): JS ${want}, wasm ${got[i]}`;
        });
        expect(mismatches, first).toBe(0);
      }
    });
  }
});

describe('accuracy', () => {
  const rng = createRng(77);
  const xs = Array.from({ length: 20000 }, (_, i) => (i < 10000 ? (rng.uniform() - 0.5) * 2000 : (rng.uniform() - 0.5) * 20));

  /** Error in ulps of the reference, with an absolute floor for results near a zero of the function. */
  function worstError(f: (x: number) => number, reference: (x: number) => number, floor: number, args = xs): number {
    let worst = 0;
    for (const x of args) {
      const r = reference(x);
      worst = Math.max(worst, Math.abs(f(x) - r) / Math.max(ulp64(r), floor));
    }
    return worst;
  }

  it('sin and cos are within 2 ulps of Math.sin and Math.cos on |x| ≤ 1000', () => {
    expect(worstError(E.sin, Math.sin, 2 ** -80)).toBeLessThanOrEqual(2);
    expect(worstError(E.cos, Math.cos, 2 ** -80)).toBeLessThanOrEqual(2);
  });

  it('sin(πv) and cos(πv) are within 2 ulps of the exactly reduced Math.sin(π·f)', () => {
    const reduced = (g: (x: number) => number, shift: number) => (v: number) => {
      const k = Math.round(v - shift);
      const f = v - shift - k;
      return (k % 2 === 0 ? 1 : -1) * g(Math.PI * f);
    };
    expect(worstError(E.sinPi, reduced(Math.sin, 0), 2 ** -80)).toBeLessThanOrEqual(2);
    expect(worstError(E.cosPi, (v) => -reduced(Math.sin, 0.5)(v), 2 ** -80)).toBeLessThanOrEqual(2);
  });

  it('exp is within 2 ulps of Math.exp, 0 and ∞ at the ends', () => {
    expect(worstError(E.exp, Math.exp, 0, xs.slice(10000))).toBeLessThanOrEqual(2);
    const wide = Array.from({ length: 20000 }, (_, i) => -745 + (i * 1454) / 20000);
    expect(worstError(E.exp, Math.exp, Number.MIN_VALUE, wide)).toBeLessThanOrEqual(2);
    expect(E.exp(-800)).toBe(0);
    expect(E.exp(710)).toBe(Infinity);
    expect(E.exp(0)).toBe(1);
  });
});
