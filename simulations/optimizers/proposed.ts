/**
 * The proposed QSGD / QtADAM (Algorithm 1): monotone index from the core Scheduler, B.2a and B.2b
 * as switched, κ from core kappaFor (reference n/24 or Langevin 1/(24λ)), the reference schedule
 * (SPEC §6) with C, β, p_0, p_max from the spec; one index per run, the clock ticks per step;
 * optionally on SGD's noisy gradient (spec.noise).
 */
import { kappaFor, REFERENCE_SCHEDULE, Scheduler, targetTemperature, type ScheduleParams } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
import { QuantizedOptimizer } from './quantized.ts';

export function proposedSchedule(spec: Extract<OptimizerSpec, { kind: 'proposed' }>): ScheduleParams {
  return {
    ...REFERENCE_SCHEDULE,
    C: spec.C,
    beta: spec.beta,
    kappa: kappaFor(spec.kappa, spec.lambda),
    p0: spec.p0,
    pMax: spec.pMax,
  };
}

export function createProposed(spec: Extract<OptimizerSpec, { kind: 'proposed' }>, population: Population): PopulationOptimizer {
  const params = proposedSchedule(spec);
  const scheduler = new Scheduler(
    params,
    { avoidVanishing: spec.avoidVanishing, bound: spec.bound },
    'step',
    population.runs,
  );
  const optimizer = new QuantizedOptimizer(population, scheduler, spec.direction, spec.lambda, spec.mode, params, spec.noise);
  return Object.assign(optimizer, { targetTemperature: (t: number) => targetTemperature(t, params) });
}
