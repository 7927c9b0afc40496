import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims, newtonRoot } from './objective.ts';

/** One coordinate's term ½(x⁴ − 16x² + 5x) and its derivatives. */
const term = (x: number) => 0.5 * (x ** 4 - 16 * x * x + 5 * x);
/** The cube as a product (not **, whose last bit is V8's pow): the wasm kernel computes the same bits. */
const termSlope = (x: number) => 2 * (x * x * x) - 16 * x + 2.5;
const termCurvature = (x: number) => 6 * x * x - 16;

/** The global minimiser of one term: the negative root of 2x³ − 16x + 2.5 (≈ −2.9035). */
const COORDINATE_MINIMISER = newtonRoot(termSlope, termCurvature, -3);

/** Styblinski–Tang: f = ½ Σ (x⁴ − 16x² + 5x), box [−5, 5], f* ≈ −39.166·d. */
export const styblinskiTang: ObjectiveFactory = {
  name: 'styblinski-tang',
  description: 'Styblinski–Tang, ½Σ(x⁴ − 16x² + 5x); f* ≈ −39.17·d at x_i ≈ −2.9035',
  dimensions: 'any',
  create(dims: number): Objective {
    checkDims(this, dims);
    return {
      name: 'styblinski-tang',
      dims,
      lower: -5,
      upper: 5,
      minimum: dims * term(COORDINATE_MINIMISER),
      minimisers: [new Float64Array(dims).fill(COORDINATE_MINIMISER)],
      kernel: { name: 'styblinski-tang' },
      value(w, offset) {
        let sum = 0;
        for (let i = 0; i < dims; i++) sum += term(w[offset + i]);
        return sum;
      },
      gradient(w, offset, g, gOffset) {
        for (let i = 0; i < dims; i++) g[gOffset + i] = termSlope(w[offset + i]);
      },
    };
  },
};
