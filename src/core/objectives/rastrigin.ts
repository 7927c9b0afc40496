import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims } from './objective.ts';
import { sinPi } from '../elementary.ts';

const TWO_PI = 2 * Math.PI;
const TWENTY_PI = 20 * Math.PI;

/** Rastrigin: f = 10d + Σ (x² − 10 cos 2πx), global minimum 0 at the origin, box [−5.12, 5.12]. */
export const rastrigin: ObjectiveFactory = {
  name: 'rastrigin',
  description: 'Rastrigin, 10d + Σ(x² − 10cos 2πx); f* = 0 at 0',
  dimensions: 'any',
  create(dims: number): Objective {
    checkDims(this, dims);
    return {
      name: 'rastrigin',
      dims,
      lower: -5.12,
      upper: 5.12,
      minimum: 0,
      minimisers: [new Float64Array(dims)],
      kernel: { name: 'rastrigin' },
      value(w, offset) {
        let sum = 10 * dims;
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          sum += x * x - 10 * Math.cos(TWO_PI * x);
        }
        return sum;
      },
      gradient(w, offset, g, gOffset) {
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          // sin 2πx as sin(π·2x): 2x is exact, so the argument is reduced exactly.
          g[gOffset + i] = 2 * x + TWENTY_PI * sinPi(2 * x);
        }
      },
    };
  },
};
