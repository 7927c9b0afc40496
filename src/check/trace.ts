/**
 * Trace lines → typed header and records (format version 1, schema/trace.schema.json).
 *
 * Each line is parsed with JSON.parse, validated against the published schema (ajv), then checked
 * for what JSON Schema cannot express: the header's hyperparameters make a valid schedule (core
 * validateSchedule), Q lies on the η·b^p lattice and agrees with p, h and hq have equal lengths,
 * and array sizes stay the same from record to record. Every problem becomes a LineError naming
 * its line: the reader never throws on input.
 */
import { indexOfResolution, makeGrid, type QuantMode } from '../core/quantizer.ts';
import { validateSchedule, type AlgorithmSwitches, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import type { Line } from './lines.ts';
import { describeSchemaError, traceValidators, TRACE_VERSION } from './schema.ts';

export type Precision = 'float64' | 'float32';

/** Line 1 of a trace, as written. */
export interface TraceHeader {
  readonly format: 'qle-trace';
  readonly version: typeof TRACE_VERSION;
  readonly mode: QuantMode;
  readonly eta: number;
  readonly base: number;
  readonly kappa: number;
  readonly C: number;
  readonly beta: number;
  readonly pMax: number;
  readonly p0?: number;
  readonly timeUnit: TimeUnit;
  readonly b2a: boolean;
  readonly b2b: boolean;
  readonly precision: Precision;
  readonly lambda?: number;
  readonly producer?: string;
}

/** The header turned into what the core functions take. */
export interface TraceSettings {
  readonly header: TraceHeader;
  /** The schedule (p0 = header.p0, or p_max when the header does not say). */
  readonly params: ScheduleParams;
  readonly switches: AlgorithmSwitches;
}

/** One step, as written (h = the unquantized step −λ·h(w), hq = Q_p(h), w after the step). */
export interface TraceRecord {
  /** Line number in the file. */
  readonly line: number;
  readonly t: number;
  /** The index the step was quantized with (given as p, or derived from Q). */
  readonly p: number;
  readonly h?: readonly number[];
  readonly hq?: readonly number[];
  readonly w?: readonly number[];
  readonly loss?: number;
}

/** Unusable input on one line: reported with the line number, exit code 2. */
export interface LineError {
  readonly line: number;
  readonly message: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: LineError };

const fail = (line: number, message: string): { ok: false; error: LineError } => ({ ok: false, error: { line, message } });

/** JSON.parse with a message that says why a line is broken. */
function parseJson(line: Line): Parsed<unknown> {
  if (line.tooLong) return fail(line.number, 'line too long: exceeds the reader limit (--max-line-chars)');
  try {
    return { ok: true, value: JSON.parse(line.text) };
  } catch (error) {
    const text = line.text;
    let why: string;
    if (text.startsWith('\uFEFF')) why = 'byte order mark inside the file (allowed only at its start)';
    else if (/(^|[^A-Za-z"])(NaN|-?Infinity)([^A-Za-z"]|$)/.test(text)) why = 'NaN or Infinity is not a JSON number: the trace must hold finite values';
    else if (!line.terminated) why = 'truncated last line (no final newline and not valid JSON)';
    else why = `not valid JSON (${String((error as Error).message).split('\n')[0].slice(0, 100)})`;
    return fail(line.number, why);
  }
}

/** Parse and validate the header line. */
export function parseHeader(line: Line): Parsed<TraceSettings> {
  const json = parseJson(line);
  if (!json.ok) return json;
  const validate = traceValidators().header;
  if (!validate(json.value)) {
    const value = json.value as { format?: unknown; version?: unknown } | null;
    if (value && typeof value === 'object' && !Array.isArray(value) && value.format === 'qle-trace' && value.version !== undefined && value.version !== TRACE_VERSION) {
      return fail(line.number, `trace format version ${JSON.stringify(value.version)} is not supported (this checker reads version ${TRACE_VERSION})`);
    }
    const looksLikeRecord = value && typeof value === 'object' && 't' in value;
    return fail(line.number, `header: ${describeSchemaError(validate.errors)}${looksLikeRecord ? ' (line 1 must be the header, see schema/trace.schema.json)' : ''}`);
  }
  const header = json.value as TraceHeader;
  const params: ScheduleParams = {
    base: header.base,
    eta: header.eta,
    C: header.C,
    beta: header.beta,
    kappa: header.kappa,
    p0: header.p0 ?? header.pMax,
    pMax: header.pMax,
  };
  try {
    validateSchedule(params);
  } catch (error) {
    return fail(line.number, `header: ${(error as Error).message}`);
  }
  return { ok: true, value: { header, params, switches: { avoidVanishing: header.b2a, bound: header.b2b } } };
}


/** Sizes seen so far, so that a record whose arrays change length is caught. */
export interface RecordShape {
  steps?: number;
  weights?: number;
}

/** Parse and validate one record line against the header. */
export function parseRecord(line: Line, settings: TraceSettings, shape: RecordShape): Parsed<TraceRecord> {
  const json = parseJson(line);
  if (!json.ok) return json;
  const validate = traceValidators().record;
  if (!validate(json.value)) return fail(line.number, describeSchemaError(validate.errors));
  const raw = json.value as { t: number; p?: number; Q?: number; h?: number[]; hq?: number[]; w?: number[]; loss?: number };
  const { eta, base } = settings.header;
  let p = raw.p;
  if (raw.Q !== undefined) {
    const fromQ = indexOfResolution(raw.Q, eta, base);
    if (fromQ === undefined) return fail(line.number, `Q = ${raw.Q} is not η·b^p = ${eta}·${base}^p for an integer p`);
    if (p !== undefined && p !== fromQ) return fail(line.number, `p = ${p} and Q = ${raw.Q} disagree (Q is ${eta}·${base}^${fromQ})`);
    p = fromQ;
  }
  try {
    makeGrid(eta, base, p!);
  } catch (error) {
    return fail(line.number, (error as Error).message);
  }
  if (raw.h && raw.hq && raw.h.length !== raw.hq.length) {
    return fail(line.number, `h has ${raw.h.length} components but hq has ${raw.hq.length}`);
  }
  const steps = raw.h?.length ?? raw.hq?.length;
  if (steps !== undefined) {
    if (shape.steps !== undefined && shape.steps !== steps) {
      return fail(line.number, `${raw.h ? 'h' : 'hq'} has ${steps} components, earlier records had ${shape.steps}`);
    }
    shape.steps = steps;
  }
  if (raw.w) {
    if (shape.weights !== undefined && shape.weights !== raw.w.length) {
      return fail(line.number, `w has ${raw.w.length} components, earlier records had ${shape.weights}`);
    }
    if (steps !== undefined && steps !== raw.w.length) {
      return fail(line.number, `w has ${raw.w.length} components but the step has ${steps}`);
    }
    shape.weights = raw.w.length;
  }
  return { ok: true, value: { line: line.number, t: raw.t, p: p!, h: raw.h, hq: raw.hq, w: raw.w, loss: raw.loss } };
}
