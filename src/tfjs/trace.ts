/**
 * `qle cifar10 --trace FILE`: qle's own tfjs run written as a format 2 trace (per tensor, sampled
 * vectors), so that `qle check` judges qle the way it judges any other implementation. The file
 * is written as FILE.partial and renamed when the run ends: never a half-written trace under FILE.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { Learner, StepReport } from '../core/learner.ts';
import { sampleIndices } from '../check/trace.ts';
import { headerLineV2, scheduleFields, tensorRecordLine } from '../check/writer.ts';

/** Components written per tensor (the summaries always cover the whole tensor). */
export const TRACE_SAMPLE = 8;

export class RunTracer {
  private readonly fd: number;
  private readonly partial: string;
  private readonly samples: Int32Array[];

  constructor(
    private readonly path: string,
    learner: Learner,
    producer: string,
    private readonly sample = TRACE_SAMPLE,
  ) {
    const q = learner.quantization;
    if (!q) throw new Error('--trace needs a quantized optimizer (qsgd or qtadam)');
    this.partial = `${path}.partial`;
    this.fd = openSync(this.partial, 'w');
    this.samples = learner.tensors.map((t) => sampleIndices(t.size, sample));
    const { mode, ...reading } = q.reading;
    this.write(
      headerLineV2({
        mode,
        ...scheduleFields(q.schedule),
        timeUnit: q.clock,
        b2a: q.b2a,
        b2b: q.b2b,
        precision: 'float64', // the core Learner steps the float64 master weights
        lambda: learner.learningRate,
        producer,
        reading,
        tensors: learner.tensors.map(({ name, size }) => ({ name, size })),
        sample,
      }),
    );
  }

  private write(line: string): void {
    writeSync(this.fd, `${line}\n`);
  }

  /** One optimizer step: t is the scheduler time the step ran at; w the master weights after it. */
  step(t: number, report: StepReport, learner: Learner, w: Float64Array): void {
    let offset = 0;
    learner.tensors.forEach((tensor, k) => {
      const end = offset + tensor.size;
      this.write(
        tensorRecordLine({
          t,
          p: report.tensorIndex[k],
          tensor: tensor.name,
          h: learner.unquantizedStep.subarray(offset, end),
          hq: learner.quantizedStep.subarray(offset, end),
          w: w.subarray(offset, end),
          sample: this.samples[k],
        }),
      );
      offset = end;
    });
  }

  /** Close and move the finished trace into place. */
  finish(): void {
    closeSync(this.fd);
    renameSync(this.partial, this.path);
  }
}
