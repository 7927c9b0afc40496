import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims } from './objective.ts';
import { cosPi, exp, sinPi } from '../elementary.ts';

const TWO_PI = 2 * Math.PI;

/**
 * Ackley: f = −20·exp(−0.2·√(mean x²)) − exp(mean cos 2πx) + 20 + e, f* = 0 at 0, box [−32.768, 32.768].
 * The first term is not differentiable at 0; its gradient is taken as 0 there (a subgradient).
 */
export const ackley: ObjectiveFactory = {
  name: 'ackley',
  description: 'Ackley (a = 20, b = 0.2, c = 2π); f* = 0 at 0',
  dimensions: 'any',
  create(dims: number): Objective {
    checkDims(this, dims);
    return {
      name: 'ackley',
      dims,
      lower: -32.768,
      upper: 32.768,
      minimum: 0,
      minimisers: [new Float64Array(dims)],
      kernel: { name: 'ackley' },
      value(w, offset) {
        let squares = 0;
        let cosines = 0;
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          squares += x * x;
          cosines += Math.cos(TWO_PI * x);
        }
        return -20 * Math.exp(-0.2 * Math.sqrt(squares / dims)) - Math.exp(cosines / dims) + 20 + Math.E;
      },
      gradient(w, offset, g, gOffset) {
        let squares = 0;
        let cosines = 0;
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          squares += x * x;
          // cos 2πx and sin 2πx as cos(π·2x), sin(π·2x): 2x is exact, so the argument is reduced exactly.
          cosines += cosPi(2 * x);
        }
        const radius = Math.sqrt(squares / dims);
        const radial = radius > 0 ? (4 * exp(-0.2 * radius)) / (dims * radius) : 0;
        const periodic = (TWO_PI / dims) * exp(cosines / dims);
        for (let i = 0; i < dims; i++) {
          const x = w[offset + i];
          g[gOffset + i] = radial * x + periodic * sinPi(2 * x);
        }
      },
    };
  },
};
