/**
 * SGD on a deterministic objective: the exact gradient plus N(0, σ²) noise per component, the
 * stand-in for mini-batch noise (SPEC §3, eq. 31), then w ← w − λ·h.
 */
import { plainStep } from '../../src/core/learning.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createSgd(spec: Extract<OptimizerSpec, { kind: 'sgd' }>, population: Population): PopulationOptimizer {
  const { dims, runs, rngs, diverged } = population;
  return {
    step() {
      const g = population.gradient(spec.lambda);
      for (let r = 0; r < runs; r++) {
        if (diverged[r]) continue;
        const rng = rngs[r];
        for (let i = r * dims; i < (r + 1) * dims; i++) g[i] += spec.noise * rng.normal();
      }
      plainStep(population.w, g, 0, g.length, spec.lambda);
    },
  };
}
