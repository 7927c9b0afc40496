/**
 * Conventional quantized SGD/ADAM: eq. 5 with p fixed on the reference grid family (core
 * fixedQuantization), optionally on a noisy gradient. w_0 is not snapped (weightsOnGrid false):
 * every optimizer starts from the same points, and w_t − w_0 is a sum of grid steps.
 */
import { fixedQuantization } from '../../src/core/learner.ts';
import { READINGS } from '../../src/core/reading.ts';
import { REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
import { QuantizedOptimizer } from './quantized.ts';

export function createFixedQuantized(
  spec: Extract<OptimizerSpec, { kind: 'fixed-quantized' }>,
  population: Population,
): PopulationOptimizer {
  const reading = { ...READINGS.paper, mode: spec.mode };
  const quantization = fixedQuantization(spec.p, REFERENCE_SCHEDULE, reading, false);
  return new QuantizedOptimizer(population, quantization, spec.direction, spec.lambda, undefined, spec.noise);
}
