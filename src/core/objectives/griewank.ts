import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims } from './objective.ts';
import { cos, sin } from '../elementary.ts';

/** Griewank: f = 1 + Σ x²/4000 − Π cos(x_i/√i), f* = 0 at 0, box [−600, 600]. */
export const griewank: ObjectiveFactory = {
  name: 'griewank',
  description: 'Griewank, 1 + Σx²/4000 − Πcos(x_i/√i); f* = 0 at 0',
  dimensions: 'any',
  create(dims: number): Objective {
    checkDims(this, dims);
    const scale = Float64Array.from({ length: dims }, (_, i) => 1 / Math.sqrt(i + 1));
    const cosines = new Float64Array(dims);
    return {
      name: 'griewank',
      dims,
      lower: -600,
      upper: 600,
      minimum: 0,
      minimisers: [new Float64Array(dims)],
      kernel: { name: 'griewank' },
      value(w, offset) {
        let sum = 0;
        let product = 1;
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          sum += x * x;
          product *= Math.cos(x * scale[i]);
        }
        return 1 + sum / 4000 - product;
      },
      gradient(w, offset, g, gOffset) {
        for (let j = 0; j < dims; j++) cosines[j] = cos(w[offset + j] * scale[j]);
        for (let i = 0; i < dims; i++) {
          // ∂/∂x_i of the product: sin term for i, cosines of the others in index order (no division by a cosine that may vanish).
          let others = 1;
          for (let j = 0; j < dims; j++) if (j !== i) others *= cosines[j];
          const x = w[offset + i];
          g[gOffset + i] = x / 2000 + scale[i] * sin(x * scale[i]) * others;
        }
      },
    };
  },
};
