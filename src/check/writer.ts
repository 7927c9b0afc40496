/** Writing qle traces (format version 1): the lines a faithful implementation emits. */
import type { TraceHeader } from './trace.ts';
import type { ScheduleParams } from '../core/schedule.ts';
import { TRACE_FORMAT, TRACE_VERSION } from './schema.ts';

export type HeaderFields = Omit<TraceHeader, 'format' | 'version'>;

/** The header fields that restate a core ScheduleParams. */
export function scheduleFields(params: ScheduleParams): Pick<HeaderFields, 'eta' | 'base' | 'kappa' | 'C' | 'beta' | 'pMax' | 'p0'> {
  return { eta: params.eta, base: params.base, kappa: params.kappa, C: params.C, beta: params.beta, pMax: params.pMax, p0: params.p0 };
}

export function headerLine(fields: HeaderFields): string {
  return JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION, ...fields });
}

export interface RecordFields {
  readonly t: number;
  readonly p: number;
  readonly h?: ArrayLike<number>;
  readonly hq?: ArrayLike<number>;
  readonly w?: ArrayLike<number>;
  readonly loss?: number;
}

const list = (values: ArrayLike<number>) => Array.from(values);

export function recordLine(record: RecordFields): string {
  const out: Record<string, unknown> = { t: record.t, p: record.p };
  if (record.h) out.h = list(record.h);
  if (record.hq) out.hq = list(record.hq);
  if (record.w) out.w = list(record.w);
  if (record.loss !== undefined) out.loss = record.loss;
  return JSON.stringify(out);
}
