/**
 * Annealed Langevin dynamics, the continuous model of Theorem 3.1 (SPEC §4–§5): Euler–Maruyama
 * with dt = λ (so the drift step equals GD's), cooled on the clock every annealed method of the
 * studies shares: T(t) = c/ln(t + 2) with t the evaluations so far (the proposed scheduler's and
 * simulated annealing's clock). In SDE time s = λt that is c/ln(s/λ + 2), still logarithmic: for
 * c > Δ it stays above c'/ln(s) for any Δ < c' < c once s is large, as Theorem 3.1 asks. Core
 * eulerMaruyamaStep, one run at a time so that each run draws from its own stream.
 */
import { eulerMaruyamaStep, gemanHwangTemperature } from '../../src/core/sde.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';

export function createLangevin(spec: Extract<OptimizerSpec, { kind: 'langevin' }>, population: Population): PopulationOptimizer {
  const { objective, dims, runs, rngs, w, g } = population;
  const schedule = gemanHwangTemperature(spec.c, 1);
  const points = Array.from({ length: runs }, (_, r) => w.subarray(r * dims, (r + 1) * dims));
  const gradients = Array.from({ length: runs }, (_, r) => g.subarray(r * dims, (r + 1) * dims));
  return {
    step(t) {
      const temperature = schedule(t);
      for (let r = 0; r < runs; r++) {
        if (population.guard(r)) continue;
        eulerMaruyamaStep(objective, points[r], gradients[r], 1, spec.lambda, temperature, rngs[r]);
      }
      population.evaluations += 1;
    },
    targetTemperature: schedule,
  };
}
