/** ADAM (SPEC §3, eq. 32), unquantized: w ← w − λ·m̂/(√v̂ + ε), the core's AdamDirection. */
import { AdamDirection, plainStep } from '../../src/core/learning.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createAdam(spec: Extract<OptimizerSpec, { kind: 'adam' }>, population: Population): PopulationOptimizer {
  const direction = new AdamDirection(population.w.length);
  const h = new Float64Array(population.w.length);
  return {
    step() {
      const g = population.gradient(spec.lambda);
      direction.compute(g, h);
      plainStep(population.w, h, 0, h.length, spec.lambda);
    },
  };
}
