/**
 * The proposed QSGD / QtADAM (Algorithm 1): monotone index from the core Scheduler, B.2a and B.2b
 * as switched, κ from core kappaFor (reference n/24 or Langevin 1/(24λ)), the reference schedule
 * (SPEC §6) with C, β, p_0, p_max from the spec; one index per run (a one-tensor run, so the
 * readings differ only in test and cap), the clock ticks per step;
 * optionally on SGD's noisy gradient (spec.noise). w_0 is not snapped to G_{p_0} (weightsOnGrid
 * false): every optimizer of a study starts from the same points, and only the displacement
 * w_t − w_0 is a sum of grid steps (as on the tfjs path).
 */
import { READINGS } from '../../src/core/reading.ts';
import { REFERENCE_SCHEDULE, targetTemperature, withKappa, type ScheduleParams } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
import { QuantizedOptimizer } from './quantized.ts';

export function proposedSchedule(spec: Extract<OptimizerSpec, { kind: 'proposed' }>): ScheduleParams {
  return withKappa({ ...REFERENCE_SCHEDULE, C: spec.C, beta: spec.beta, p0: spec.p0, pMax: spec.pMax }, spec.kappa, spec.lambda);
}

export function createProposed(spec: Extract<OptimizerSpec, { kind: 'proposed' }>, population: Population): PopulationOptimizer {
  const params = proposedSchedule(spec);
  const reading = { ...READINGS[spec.reading ?? 'paper'], mode: spec.mode };
  const quantization = { reading, schedule: params, b2a: spec.avoidVanishing, b2b: spec.bound, clock: 'step', weightsOnGrid: false } as const;
  const optimizer = new QuantizedOptimizer(population, quantization, spec.direction, spec.lambda, params, spec.noise);
  return Object.assign(optimizer, { targetTemperature: (t: number) => targetTemperature(t, params) });
}
