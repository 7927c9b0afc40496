/**
 * Simulated annealing (Metropolis), the classical global-optimisation peer: Gaussian proposal
 * w' = w + σ·ξ, accepted with probability min(1, exp(−(f(w') − f(w))/T)), T = c/ln(t+2) per
 * step (core gemanHwangTemperature with dt = 1). One function evaluation per run per step,
 * counted against the same budget as one gradient evaluation.
 */
import { gemanHwangTemperature } from '../../src/core/sde.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createAnnealing(spec: Extract<OptimizerSpec, { kind: 'annealing' }>, population: Population): PopulationOptimizer {
  const { objective, dims, runs, rngs, w } = population;
  const schedule = gemanHwangTemperature(spec.c, 1);
  const current = new Float64Array(runs);
  for (let r = 0; r < runs; r++) current[r] = objective.value(w, r * dims);
  const proposal = new Float64Array(dims);
  return {
    step(t) {
      const temperature = schedule(t);
      for (let r = 0; r < runs; r++) {
        if (population.guard(r)) continue;
        const rng = rngs[r];
        const offset = r * dims;
        for (let i = 0; i < dims; i++) proposal[i] = w[offset + i] + spec.proposal * rng.normal();
        const value = objective.value(proposal, 0);
        const accept = value <= current[r] || rng.uniform() < Math.exp(-(value - current[r]) / temperature);
        if (accept) {
          w.set(proposal, offset);
          current[r] = value;
        }
      }
      population.evaluations += 1;
    },
    targetTemperature: schedule,
  };
}
