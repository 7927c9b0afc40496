/**
 * A faithful run of Algorithm 1 by the core itself, written as a qle trace: noisy SGD on a
 * benchmark objective, every step through the core Learner (paper reading, one tensor). The benchmark and
 * the tests use it as the known-good trace (mutating it gives known-bad ones).
 */
import { createObjective } from '../core/objectives/index.ts';
import type { QuantMode } from '../core/quantizer.ts';
import { createRng } from '../core/rng.ts';
import { REFERENCE_SCHEDULE, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import { Learner, vectorLayout, type TensorSpec } from '../core/learner.ts';
import { describeReading, READINGS, type Reading } from '../core/reading.ts';
import { sampleIndices } from './trace.ts';
import { headerLine, headerLineV2, recordLine, scheduleFields, tensorRecordLine, type SidecarWriter } from './writer.ts';

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

/** What both sample runs share: the defaults, the objective, the core Learner and a random start. */
function startRun(options: SampleRunOptions, tensors: readonly TensorSpec[], reading: Reading) {
  const dims = tensors.reduce((n, t) => n + t.size, 0);
  const lambda = options.lambda ?? 2 ** -6;
  const params = options.params ?? { ...REFERENCE_SCHEDULE, p0: 2 };
  const timeUnit = options.timeUnit ?? 'step';
  const stepsPerEpoch = options.stepsPerEpoch ?? 10;
  const b2a = options.b2a ?? true;
  const b2b = options.b2b ?? true;
  const objective = createObjective(options.objective ?? 'rastrigin', dims);
  const rng = createRng(options.seed ?? 1);
  const learner = new Learner({
    direction: 'sgd',
    learningRate: lambda,
    quantization: { reading, schedule: params, b2a, b2b, clock: timeUnit, weightsOnGrid: true },
    tensors,
  });
  const w = new Float64Array(dims);
  for (let i = 0; i < dims; i++) w[i] = objective.lower + (objective.upper - objective.lower) * rng.uniform();
  learner.prepare(w);
  return {
    objective,
    rng,
    learner,
    scheduler: learner.scheduler!,
    w,
    g: new Float64Array(dims),
    noise: options.noise ?? 1,
    /** The header fields both format versions write. */
    header: { mode: reading.mode, ...scheduleFields(params), timeUnit, b2a, b2b, precision: 'float64' as const, lambda },
    /** Closes an epoch after the given step when the clock counts epochs. */
    afterStep(step: number): void {
      if (timeUnit === 'epoch' && (step + 1) % stepsPerEpoch === 0) learner.endEpoch();
    },
  };
}

/** The header line, then one record line per step. */
export function* sampleTrace(options: SampleRunOptions): Generator<string> {
  const { objective, rng, learner, scheduler, w, g, noise, header, afterStep } = startRun(options, vectorLayout(options.dims ?? 8), {
    ...READINGS.paper,
    mode: options.mode ?? 'round',
  });
  yield headerLine({ ...header, producer: 'qle sample-run (core Learner, paper reading)' });
  for (let step = 0; step < options.steps; step++) {
    const t = scheduler.t;
    objective.gradient(w, 0, g, 0);
    for (let i = 0; i < g.length; i++) g[i] += noise * rng.normal();
    const report = learner.step(w, g);
    yield recordLine({ t, p: report.tensorIndex[0], h: learner.unquantizedStep, hq: learner.quantizedStep, w, loss: objective.value(w, 0) });
    afterStep(step);
  }
}

export interface SampleRunV2Options extends SampleRunOptions {
  /** The tensors, in visiting order (default three of sizes 3, 4, 5). */
  readonly tensors?: readonly TensorSpec[];
  /** Gradient scale per tensor (tensors of very different step sizes make B.2a's granularity matter). */
  readonly scales?: readonly number[];
  readonly reading?: Reading;
  /** Write sampled vectors of this many components per tensor. */
  readonly sample?: number;
  /** Write every vector to this sidecar (its file name, relative to the trace, goes into the header). */
  readonly sidecar?: { readonly writer: SidecarWriter; readonly file: string };
}

/** A faithful version 2 trace: the core Learner on several tensors under a declared reading. */
export function* sampleTraceV2(options: SampleRunV2Options): Generator<string> {
  const tensors = options.tensors ?? [
    { name: 'conv.weight', size: 3 },
    { name: 'bn.weight', size: 4 },
    { name: 'fc.bias', size: 5 },
  ];
  const reading = { ...(options.reading ?? READINGS.paper), mode: options.mode ?? 'round' };
  const { objective, rng, learner, scheduler, w, g, noise, header, afterStep } = startRun(options, tensors, reading);
  const { mode: _mode, ...declared } = reading;
  yield headerLineV2({
    ...header,
    producer: `qle sample-run v2 (core Learner, reading ${describeReading(reading)})`,
    reading: declared,
    tensors: tensors.map(({ name, size }) => ({ name, size })),
    ...(options.sample === undefined ? {} : { sample: options.sample }),
    ...(options.sidecar ? { sidecar: { file: options.sidecar.file, dtype: options.sidecar.writer.dtype } } : {}),
  });
  const samples = tensors.map((t) => (options.sample === undefined ? undefined : sampleIndices(t.size, options.sample)));
  for (let step = 0; step < options.steps; step++) {
    const t = scheduler.t;
    objective.gradient(w, 0, g, 0);
    let offset = 0;
    for (const [k, tensor] of tensors.entries()) {
      const scale = options.scales?.[k] ?? 1;
      for (let i = offset; i < offset + tensor.size; i++) g[i] = scale * (g[i] + noise * rng.normal());
      offset += tensor.size;
    }
    const report = learner.step(w, g);
    offset = 0;
    for (const [k, tensor] of tensors.entries()) {
      const end = offset + tensor.size;
      const h = learner.unquantizedStep.subarray(offset, end);
      const hq = learner.quantizedStep.subarray(offset, end);
      const wk = w.subarray(offset, end);
      const bin = options.sidecar?.writer.write(h, hq, wk, samples[k]);
      yield tensorRecordLine({ t, p: report.tensorIndex[k], tensor: tensor.name, h, hq, w: wk, sample: samples[k], bin });
      offset = end;
    }
    afterStep(step);
  }
}
