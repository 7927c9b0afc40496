/**
 * Trace lines → typed header and records (format version 1, schema/trace.schema.json; version 2,
 * per tensor, schema/trace-v2.schema.json).
 *
 * Each line is parsed with JSON.parse, validated against the published schema (ajv), then checked
 * for what JSON Schema cannot express: the header's hyperparameters make a valid schedule (core
 * validateSchedule), Q lies on the η·b^p lattice and agrees with p, h and hq have equal lengths,
 * and array sizes stay the same from record to record. Every problem becomes a LineError naming
 * its line: the reader never throws on input.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { indexOfResolution, makeGrid, type QuantMode } from '../core/quantizer.ts';
import type { CapRule, Granularity, Reading, VanishingTest } from '../core/reading.ts';
import { validateSchedule, type AlgorithmSwitches, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import type { Line } from './lines.ts';
import { checkerFloat64 } from './precision.ts';
import { describeSchemaError, traceValidators, TRACE_VERSION, TRACE_VERSION_2 } from './schema.ts';

export type Precision = 'float64' | 'float32';

/** Line 1 of a trace, as written. */
export interface TraceHeader {
  readonly format: 'qle-trace';
  readonly version: typeof TRACE_VERSION | typeof TRACE_VERSION_2;
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
  /** Version 2: the reading of B.2a the implementation claims (mode is the header's). */
  readonly reading?: { readonly granularity: Granularity; readonly test: VanishingTest; readonly cap: CapRule; readonly b2aOnFirstStep: boolean };
  /** Version 2: the tensors in the order the implementation visits them. */
  readonly tensors?: readonly { readonly name: string; readonly size: number }[];
  /** Version 2: the sample size of sampled vectors. */
  readonly sample?: number;
  /** Version 2: the binary sidecar holding vectors. */
  readonly sidecar?: { readonly file: string; readonly dtype: Precision };
}

/** A declared tensor: its position in the visiting order and its size. */
export interface TensorInfo {
  readonly name: string;
  readonly position: number;
  readonly size: number;
  /** The components a sampled vector holds (floor(j·n/k), j < k = min(sample, n)). */
  readonly sample?: Int32Array;
}

/** The header turned into what the core functions take. */
export interface TraceSettings {
  readonly header: TraceHeader;
  /** The schedule (p0 = header.p0, or p_max when the header does not say). */
  readonly params: ScheduleParams;
  readonly switches: AlgorithmSwitches;
  /** The reading the B.2a rules judge: declared (version 2) or the v1 one (one vector, all-zero, strict cap). */
  readonly reading: Reading;
  /** Version 2: the declared tensors by name (version 1: undefined, one flattened vector). */
  readonly tensors?: ReadonlyMap<string, TensorInfo>;
  /** Version 2: the name of the last tensor of a step. */
  readonly lastTensor?: string;
  /** Version 2: reads a sidecar block (opened by the checker). */
  sidecar?: SidecarReader;
}

/** The components floor(j·n/k), j = 0 … k−1, k = min(sample, n): a deterministic spread over the tensor. */
export function sampleIndices(n: number, sample: number): Int32Array {
  const k = Math.min(sample, n);
  const indices = new Int32Array(k);
  for (let j = 0; j < k; j++) indices[j] = Math.floor((j * n) / k);
  return indices;
}

/** A binary sidecar of little-endian float blocks, read by offset. */
export class SidecarReader {
  private readonly fd: number;
  private readonly bytes: number;
  constructor(
    readonly path: string,
    readonly dtype: Precision,
  ) {
    this.fd = openSync(path, 'r');
    this.bytes = dtype === 'float64' ? 8 : 4;
    this.littleEndian = endianness() === 'LE';
  }

  private readonly littleEndian: boolean;

  /**
   * Two blocks per tensor, used in turn: a tensor's record is kept until its next one has been
   * checked (the `update` rule's previous record), never longer, so reading allocates nothing.
   * float64 blocks live in the wasm kernels' memory (when they are on), where the quantizer kernel
   * reads them in place: a block is read from the file once and never copied.
   */
  private readonly pool = new Map<string, { blocks: (Float64Array | Float32Array)[]; next: number }>();

  private block(tensor: string, count: number): Float64Array | Float32Array {
    let entry = this.pool.get(tensor);
    if (!entry) {
      entry = { blocks: [], next: 0 };
      this.pool.set(tensor, entry);
    }
    const i = entry.next;
    entry.next = 1 - i;
    if (!entry.blocks[i] || entry.blocks[i].length !== count) entry.blocks[i] = this.bytes === 8 ? checkerFloat64(count) : new Float32Array(count);
    return entry.blocks[i];
  }

  /** h, hq, w of a tensor: three consecutive blocks of `length` components at byte `offset`, or a message. */
  read(tensor: string, offset: number, length: number): { h: ArrayLike<number>; hq: ArrayLike<number>; w: ArrayLike<number> } | string {
    const values = this.block(tensor, 3 * length);
    const size = values.byteLength;
    const view = new Uint8Array(values.buffer, values.byteOffset, size);
    let done = 0;
    while (done < size) {
      const got = readSync(this.fd, view, done, size - done, offset + done);
      if (got === 0) return `sidecar ${this.path} ends before byte ${offset + size} (block at offset ${offset}, ${length} components)`;
      done += got;
    }
    if (!this.littleEndian) {
      // In place: value i is read from its own bytes before they are overwritten.
      const data = new DataView(values.buffer, values.byteOffset, size);
      for (let i = 0; i < values.length; i++) values[i] = this.bytes === 8 ? data.getFloat64(i * 8, true) : data.getFloat32(i * 4, true);
    }
    return { h: values.subarray(0, length), hq: values.subarray(length, 2 * length), w: values.subarray(2 * length) };
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The v1 trace: one vector, B.2a tests all of it for all zero, strict cap. */
function v1Reading(mode: QuantMode): Reading {
  return { granularity: 'all', test: 'all-zero', cap: 'strict', mode, b2aOnFirstStep: true };
}

/** One step, as written (h = the unquantized step −λ·h(w), hq = Q_p(h), w after the step). */
export interface TraceRecord {
  /** Line number in the file. */
  readonly line: number;
  readonly t: number;
  /** The index the step was quantized with (given as p, or derived from Q). */
  readonly p: number;
  readonly h?: ArrayLike<number>;
  readonly hq?: ArrayLike<number>;
  readonly w?: ArrayLike<number>;
  readonly loss?: number;
  /** Version 2: the tensor and the components the vectors hold (undefined: all of them). */
  readonly tensor?: TensorInfo;
  readonly components?: Int32Array;
  /** Version 2 summaries of the whole tensor: non-zero count of hq, sum(hq), max |h|. */
  readonly nz?: number;
  readonly sumHq?: number;
  readonly maxAbsH?: number;
}

/** The name to print for a record's tensor. */
export function tensorName(record: TraceRecord): string | undefined {
  return record.tensor?.name;
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
export function parseHeader(line: Line, tracePath?: string): Parsed<TraceSettings> {
  const json = parseJson(line);
  if (!json.ok) return json;
  const claimed = (json.value as { version?: unknown } | null)?.version;
  const version = claimed === TRACE_VERSION_2 ? 2 : 1;
  const validate = traceValidators(version).header;
  if (!validate(json.value)) {
    const value = json.value as { format?: unknown; version?: unknown } | null;
    if (value && typeof value === 'object' && !Array.isArray(value) && value.format === 'qle-trace' && value.version !== undefined && value.version !== TRACE_VERSION && value.version !== TRACE_VERSION_2) {
      return fail(line.number, `trace format version ${JSON.stringify(value.version)} is not supported (this checker reads versions ${TRACE_VERSION} and ${TRACE_VERSION_2})`);
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
  const switches = { avoidVanishing: header.b2a, bound: header.b2b };
  if (version === 1) return { ok: true, value: { header, params, switches, reading: v1Reading(header.mode) } };
  const tensors = new Map<string, TensorInfo>();
  for (const [position, { name, size }] of header.tensors!.entries()) {
    if (tensors.has(name)) return fail(line.number, `header: tensor "${name}" is declared twice`);
    tensors.set(name, { name, position, size, sample: header.sample === undefined ? undefined : sampleIndices(size, header.sample) });
  }
  let sidecar: SidecarReader | undefined;
  if (header.sidecar) {
    const file = isAbsolute(header.sidecar.file) ? header.sidecar.file : resolve(tracePath ? dirname(tracePath) : '.', header.sidecar.file);
    try {
      sidecar = new SidecarReader(file, header.sidecar.dtype);
    } catch (error) {
      return fail(line.number, `header: cannot open sidecar ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return {
    ok: true,
    value: {
      header,
      params,
      switches,
      reading: { ...header.reading!, mode: header.mode },
      tensors,
      lastTensor: header.tensors!.at(-1)!.name,
      sidecar,
    },
  };
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
  const validate = traceValidators(settings.header.version).record;
  if (!validate(json.value)) return fail(line.number, describeSchemaError(validate.errors));
  const p = indexOf(line, json.value as RawIndex, settings);
  if (typeof p !== 'number') return p;
  return settings.tensors ? tensorRecord(line, json.value as RawTensorRecord, p, settings) : vectorRecord(line, json.value as RawRecord, p, shape);
}

interface RawIndex {
  p?: number;
  Q?: number;
}

interface RawRecord extends RawIndex {
  t: number;
  h?: number[];
  hq?: number[];
  w?: number[];
  loss?: number;
}

interface RawTensorRecord extends RawRecord {
  tensor: string;
  nz: number;
  sumHq: number;
  maxAbsH: number;
  bin?: { offset: number; length: number };
}

/** The record's index, from p or Q (which must agree and lie on the η·b^p lattice). */
function indexOf(line: Line, raw: RawIndex, settings: TraceSettings): number | { ok: false; error: LineError } {
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
  return p!;
}

/** A version 2 record: one tensor, vectors in full, sampled, or in the sidecar. */
function tensorRecord(line: Line, raw: RawTensorRecord, p: number, settings: TraceSettings): Parsed<TraceRecord> {
  const tensor = settings.tensors!.get(raw.tensor);
  if (!tensor) return fail(line.number, `tensor "${raw.tensor}" is not declared in the header`);
  if (raw.nz > tensor.size) return fail(line.number, `nz = ${raw.nz} exceeds the size ${tensor.size} of tensor "${tensor.name}"`);
  let { h, hq, w } = raw as { h?: ArrayLike<number>; hq?: ArrayLike<number>; w?: ArrayLike<number> };
  if (raw.bin) {
    if (!settings.sidecar) return fail(line.number, 'field "bin" needs a sidecar declared in the header');
    if (h || hq || w) return fail(line.number, 'give the vectors either inline (h, hq, w) or in the sidecar (bin), not both');
    const block = settings.sidecar.read(tensor.name, raw.bin.offset, raw.bin.length);
    if (typeof block === 'string') return fail(line.number, block);
    ({ h, hq, w } = block);
  }
  const length = h?.length ?? hq?.length ?? w?.length;
  let components: Int32Array | undefined;
  if (length !== undefined) {
    for (const [name, values] of [['h', h], ['hq', hq], ['w', w]] as const) {
      if (values && values.length !== length) return fail(line.number, `${name} has ${values.length} components, the other vectors ${length}`);
    }
    if (length !== tensor.size) {
      if (!tensor.sample || length !== tensor.sample.length) {
        const sampled = tensor.sample ? ` or the sample of ${tensor.sample.length}` : '';
        return fail(line.number, `vectors of tensor "${tensor.name}" have ${length} components, expected its size ${tensor.size}${sampled}`);
      }
      components = tensor.sample;
    }
  }
  return {
    ok: true,
    value: { line: line.number, t: raw.t, p, h, hq, w, loss: raw.loss, tensor, components, nz: raw.nz, sumHq: raw.sumHq, maxAbsH: raw.maxAbsH },
  };
}

/** A version 1 record: the whole flattened vector, the same size in every record. */
function vectorRecord(line: Line, raw: RawRecord, p: number, shape: RecordShape): Parsed<TraceRecord> {
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
  return { ok: true, value: { line: line.number, t: raw.t, p, h: raw.h, hq: raw.hq, w: raw.w, loss: raw.loss } };
}
