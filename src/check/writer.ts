/** Writing qle traces (format versions 1 and 2): the lines a faithful implementation emits. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Precision, TraceHeader, TraceRecord } from './trace.ts';
import type { ScheduleParams } from '../core/schedule.ts';
import { TRACE_FORMAT, TRACE_VERSION, TRACE_VERSION_2 } from './schema.ts';

export type HeaderFields = Omit<TraceHeader, 'format' | 'version' | 'reading' | 'tensors' | 'sample' | 'sidecar'>;

/** The header fields that restate a core ScheduleParams. */
export function scheduleFields(params: ScheduleParams): Pick<HeaderFields, 'eta' | 'base' | 'kappa' | 'C' | 'beta' | 'pMax' | 'p0'> {
  return { eta: params.eta, base: params.base, kappa: params.kappa, C: params.C, beta: params.beta, pMax: params.pMax, p0: params.p0 };
}

export function headerLine(fields: HeaderFields): string {
  return JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION, ...fields });
}

/** A version 1 record: the fields of a TraceRecord that a writer states. */
export type RecordFields = Pick<TraceRecord, 't' | 'p' | 'h' | 'hq' | 'w' | 'loss'>;

const list = (values: ArrayLike<number>) => Array.from(values);

export function recordLine(record: RecordFields): string {
  const out: Record<string, unknown> = { t: record.t, p: record.p };
  if (record.h) out.h = list(record.h);
  if (record.hq) out.hq = list(record.hq);
  if (record.w) out.w = list(record.w);
  if (record.loss !== undefined) out.loss = record.loss;
  return JSON.stringify(out);
}

/** Version 2 header fields: the v1 ones plus the declared reading, the tensors, sampling, a sidecar. */
export type HeaderFieldsV2 = Omit<HeaderFields, 'reading' | 'tensors' | 'sample' | 'sidecar'> & {
  readonly reading: NonNullable<TraceHeader['reading']>;
  readonly tensors: NonNullable<TraceHeader['tensors']>;
  readonly sample?: number;
  readonly sidecar?: NonNullable<TraceHeader['sidecar']>;
};

export function headerLineV2(fields: HeaderFieldsV2): string {
  return JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION_2, ...fields });
}

/** The summaries of a version 2 record: non-zero count of hq, sum(hq) in index order, max |h|. */
export function tensorSummary(h: ArrayLike<number>, hq: ArrayLike<number>): { nz: number; sumHq: number; maxAbsH: number } {
  let nz = 0;
  let sumHq = 0;
  let maxAbsH = 0;
  for (let i = 0; i < hq.length; i++) {
    if (hq[i] !== 0) nz += 1;
    sumHq += hq[i];
    const a = Math.abs(h[i]);
    if (a > maxAbsH) maxAbsH = a;
  }
  return { nz, sumHq, maxAbsH };
}

export interface TensorRecordFields {
  readonly t: number;
  readonly p: number;
  readonly tensor: string;
  /** The tensor's full vectors; written in full, sampled (`sample`), or as a sidecar reference (`bin`). */
  readonly h: ArrayLike<number>;
  readonly hq: ArrayLike<number>;
  readonly w: ArrayLike<number>;
  /** The components to write (sampleIndices of the header's sample), or undefined for all. */
  readonly sample?: Int32Array;
  /** The vectors are in the sidecar at this block instead. */
  readonly bin?: { readonly offset: number; readonly length: number };
  readonly loss?: number;
}

const pick = (values: ArrayLike<number>, indices?: Int32Array) => (indices ? Array.from(indices, (i) => values[i]) : list(values));

export function tensorRecordLine(record: TensorRecordFields): string {
  const out: Record<string, unknown> = { t: record.t, p: record.p, tensor: record.tensor, ...tensorSummary(record.h, record.hq) };
  if (record.bin) out.bin = record.bin;
  else {
    out.h = pick(record.h, record.sample);
    out.hq = pick(record.hq, record.sample);
    out.w = pick(record.w, record.sample);
  }
  if (record.loss !== undefined) out.loss = record.loss;
  return JSON.stringify(out);
}

/** Appends h, hq, w blocks (little-endian) to a sidecar file and returns each block's reference. */
export class SidecarWriter {
  private readonly fd: number;
  private offset = 0;
  constructor(
    path: string,
    readonly dtype: Precision,
  ) {
    this.fd = openSync(path, 'w');
  }

  write(h: ArrayLike<number>, hq: ArrayLike<number>, w: ArrayLike<number>, indices?: Int32Array): { offset: number; length: number } {
    const length = indices ? indices.length : h.length;
    const Kind = this.dtype === 'float64' ? Float64Array : Float32Array;
    const block = new Kind(3 * length);
    [h, hq, w].forEach((values, k) => {
      for (let j = 0; j < length; j++) block[k * length + j] = values[indices ? indices[j] : j];
    });
    const bytes = new Uint8Array(block.buffer);
    if (endianness() !== 'LE') {
      const view = new DataView(block.buffer);
      for (let i = 0; i < block.length; i++) this.dtype === 'float64' ? view.setFloat64(i * 8, block[i], true) : view.setFloat32(i * 4, block[i], true);
    }
    writeSync(this.fd, bytes, 0, bytes.length, this.offset);
    const reference = { offset: this.offset, length };
    this.offset += bytes.length;
    return reference;
  }

  close(): void {
    closeSync(this.fd);
  }
}
