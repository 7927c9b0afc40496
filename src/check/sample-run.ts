/**
 * A faithful run of Algorithm 1 by the core itself, written as a qle trace: noisy SGD on a
 * benchmark objective, every step through core quantizedStep and Scheduler. The benchmark and
 * the tests use it as the known-good trace (mutating it gives known-bad ones).
 */
import { createObjective } from '../core/objectives/index.ts';
import type { QuantMode } from '../core/quantizer.ts';
import { createRng } from '../core/rng.ts';
import { REFERENCE_SCHEDULE, Scheduler, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import { makeStepScratch, quantizedStep, snapToGrid } from '../core/learning.ts';
import { headerLine, recordLine, scheduleFields } from './writer.ts';

export interface SampleRunOptions {
  readonly steps: number;
  readonly dims?: number;
  readonly seed?: number;
  readonly lambda?: number;
  readonly mode?: QuantMode;
  readonly b2a?: boolean;
  readonly b2b?: boolean;
  readonly params?: ScheduleParams;
  readonly objective?: string;
  /** Gradient noise (standard deviation), the mini-batch stand-in. */
  readonly noise?: number;
  readonly timeUnit?: TimeUnit;
  /** Steps per epoch when timeUnit is epoch. */
  readonly stepsPerEpoch?: number;
}

/** The header line, then one record line per step. */
export function* sampleTrace(options: SampleRunOptions): Generator<string> {
  const dims = options.dims ?? 8;
  const lambda = options.lambda ?? 2 ** -6;
  const mode = options.mode ?? 'round';
  const params = options.params ?? { ...REFERENCE_SCHEDULE, p0: 2 };
  const timeUnit = options.timeUnit ?? 'step';
  const stepsPerEpoch = options.stepsPerEpoch ?? 10;
  const noise = options.noise ?? 1;
  const switches = { avoidVanishing: options.b2a ?? true, bound: options.b2b ?? true };
  const objective = createObjective(options.objective ?? 'rastrigin', dims);
  const rng = createRng(options.seed ?? 1);
  const scheduler = new Scheduler(params, switches, timeUnit, 1);
  const w = new Float64Array(dims);
  for (let i = 0; i < dims; i++) w[i] = objective.lower + (objective.upper - objective.lower) * rng.uniform();
  snapToGrid(w, 0, dims, scheduler, 0);
  const g = new Float64Array(dims);
  const scratch = makeStepScratch(dims);
  yield headerLine({
    mode,
    ...scheduleFields(params),
    timeUnit,
    b2a: switches.avoidVanishing,
    b2b: switches.bound,
    precision: 'float64',
    lambda,
    producer: 'qle sample-run (core quantizedStep + Scheduler)',
  });
  for (let step = 0; step < options.steps; step++) {
    const t = scheduler.t;
    objective.gradient(w, 0, g, 0);
    for (let i = 0; i < dims; i++) g[i] += noise * rng.normal();
    quantizedStep(w, g, 0, dims, lambda, mode, scheduler, 0, scratch);
    yield recordLine({ t, p: scheduler.p[0], h: scratch.step.subarray(0, dims), hq: scratch.quantizedStep.subarray(0, dims), w, loss: objective.value(w, 0) });
    scheduler.afterStep();
    if (timeUnit === 'epoch' && (step + 1) % stepsPerEpoch === 0) scheduler.afterEpoch();
  }
}
