/**
 * SGD on a deterministic objective: the exact gradient plus N(0, σ²) noise per component, the
 * stand-in for mini-batch noise (SPEC §3, eq. 31; Population.addGradientNoise), then w ← w − λ·h.
 */
import { plainStep } from '../../src/core/learning.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createSgd(spec: Extract<OptimizerSpec, { kind: 'sgd' }>, population: Population): PopulationOptimizer {
  return {
    step() {
      const g = population.gradient(spec.lambda);
      population.addGradientNoise(spec.noise);
      plainStep(population.w, g, 0, g.length, spec.lambda);
    },
  };
}
