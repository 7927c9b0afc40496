/** Gradient descent, the plain learning equation w ← w − λ·∇f(w) (SPEC §3, eq. 3). */
import { plainStep } from '../../src/core/learning.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createGd(spec: Extract<OptimizerSpec, { kind: 'gd' }>, population: Population): PopulationOptimizer {
  return {
    step() {
      const g = population.gradient(spec.lambda);
      plainStep(population.w, g, 0, g.length, spec.lambda);
    },
  };
}
