/** Conventional quantized SGD/ADAM: eq. 5 with p fixed (core Scheduler.fixed, η = 1, b = 2), optionally on a noisy gradient. */
import { Scheduler } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
import { QuantizedOptimizer } from './quantized.ts';

export function createFixedQuantized(
  spec: Extract<OptimizerSpec, { kind: 'fixed-quantized' }>,
  population: Population,
): PopulationOptimizer {
  const scheduler = Scheduler.fixed(1, 2, spec.p, population.runs);
  return new QuantizedOptimizer(population, scheduler, spec.direction, spec.lambda, spec.mode, undefined, spec.noise);
}
