/**
 * One pass over a record's vectors, shared by the rules that read every component (quantize,
 * error-bound, summary, on-grid, update): a full vector of a large tensor is read once per record,
 * not once per rule. The pass decides only the fast cases — hq exactly the core's Q_p(h), every
 * weight on G_p, w exactly the double sum w_{t−1} + hq — and the summaries of hq and h; each rule
 * keeps its own per-component path, which runs only when the pass finds a mismatch (or cannot
 * decide), so a violation is found and worded by the rule exactly as before.
 *
 * Q_p(h) and the nearest grid values of w come from the core's batch quantizer (the wasm kernel
 * when the kernels are on, reading sidecar blocks in place): the pass holds no formula of its own.
 */
import type { Grid, QuantMode } from '../core/quantizer.ts';
import { quantizeAll, quantizeSlice } from './precision.ts';
import type { RuleContext } from './rules/rule.ts';
import { scanOnKernel, type ScanTotals } from '../wasm/scan.ts';
import type { TraceRecord } from './trace.ts';

export interface StepScan {
  /** float64: hq is exactly the core's Q_p(h) on every component (false also when a value of h leaves the exact range). */
  readonly coreMatch: boolean;
  /** Of hq, in index order (undefined without hq): the non-zero count, the sum, the sum of magnitudes. */
  readonly nonZero: number | undefined;
  readonly sum: number | undefined;
  readonly magnitude: number | undefined;
  /** max |h| by Math.max in index order (NaN if h holds a NaN; undefined without h). */
  readonly maxAbsH: number | undefined;
  /** float64: every w[i] is its own nearest value on G_p; undefined: not decided here. */
  readonly onGrid: boolean | undefined;
  /** float64: w[i] === w_{t−1}[i] + hq[i] for every i (the same components in both records); undefined: not decided here. */
  readonly sumsExactly: boolean | undefined;
}

const scans = new WeakMap<TraceRecord, StepScan>();

/** The previous record's w when it holds the same components as this record's. */
function sameComponentsBefore(record: TraceRecord, previous: TraceRecord | undefined): ArrayLike<number> | undefined {
  const before = previous?.w;
  if (!before || !record.w || record.components !== previous!.components || before.length !== record.w.length) return undefined;
  return before;
}

/** The running totals of the fused pass, carried from one chunk to the next. */
class Totals implements ScanTotals {
  nonZero = 0;
  sum = 0;
  magnitude = 0;
  max = 0;
  notCore = 0;
  offGrid = 0;
  notSummed = 0;
}

/**
 * Components from … to − 1 of everything at once; qh and qw hold the chunk's quantized values from
 * position `shift`. A missing qh, qw or before is passed as a stand-in and its answer dropped by
 * the caller: one loop, one shape, whatever is missing.
 */
function fusedChunk(
  totals: Totals,
  h: ArrayLike<number>,
  hq: ArrayLike<number>,
  w: ArrayLike<number>,
  qh: ArrayLike<number>,
  qw: ArrayLike<number>,
  before: ArrayLike<number>,
  from: number,
  to: number,
  shift: number,
): void {
  let { nonZero, sum, magnitude, max, notCore, offGrid, notSummed } = totals;
  for (let i = from; i < to; i++) {
    const x = hq[i];
    const v = w[i];
    nonZero += +(x !== 0);
    sum += x;
    magnitude += Math.abs(x);
    max = Math.max(max, Math.abs(h[i]));
    notCore += +(qh[i - shift] !== x);
    offGrid += +(qw[i - shift] !== v);
    notSummed += +(v !== before[i] + x);
  }
  totals.nonZero = nonZero;
  totals.sum = sum;
  totals.magnitude = magnitude;
  totals.max = max;
  totals.notCore = notCore;
  totals.offGrid = offGrid;
  totals.notSummed = notSummed;
}

/** Components per chunk of the JS pass: the quantized chunks stay in the cache while the loop reads them. */
const CHUNK = 4096;

/** What the fused pass found: the totals, and whether Q_p(h) and the grid values of w could be computed everywhere. */
export interface Fused {
  readonly totals: ScanTotals;
  readonly core: boolean;
  readonly grids: boolean;
}

/**
 * The fused pass in JS: the definition of the wasm kernel (src/wasm/scan.ts), and its path when
 * the kernels are off or the vectors are not in their memory. `exact`: compare hq with Q_p(h) and w
 * with its grid values (float64); `before`: compare w with before + hq.
 */
export function fusedJs(
  h: ArrayLike<number>,
  hq: ArrayLike<number>,
  w: ArrayLike<number>,
  before: ArrayLike<number> | undefined,
  grid: Grid,
  mode: QuantMode,
  exact: boolean,
): Fused {
  const totals = new Totals();
  let core = exact;
  let grids = exact;
  const n = hq.length;
  for (let from = 0; from < n; from += CHUNK) {
    const m = Math.min(CHUNK, n - from);
    const qh = core ? quantizeSlice(h, from, m, grid, mode, 0) : undefined;
    const qw = grids ? quantizeSlice(w, from, m, grid, 'round', 1) : undefined;
    core = qh !== undefined;
    grids = qw !== undefined;
    fusedChunk(totals, h, hq, w, qh ?? hq, qw ?? w, before ?? w, from, from + m, qh || qw ? from : 0);
  }
  return { totals, core, grids };
}

/** The fused pass: on the wasm kernel when it can take the vectors, else fusedJs. */
export function fused(...args: Parameters<typeof fusedJs>): Fused {
  const [h, hq, w, before, grid, mode, exact] = args;
  const totals = scanOnKernel(h, hq, w, before, grid, mode, exact, exact);
  return totals ? { totals, core: exact, grids: exact } : fusedJs(...args);
}

function summaries(hq: ArrayLike<number>): { nonZero: number; sum: number; magnitude: number } {
  let nonZero = 0;
  let sum = 0;
  let magnitude = 0;
  for (let i = 0; i < hq.length; i++) {
    const x = hq[i];
    nonZero += +(x !== 0);
    sum += x;
    magnitude += Math.abs(x);
  }
  return { nonZero, sum, magnitude };
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

function countDifferent(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let differ = 0;
  for (let i = 0; i < b.length; i++) differ += +(a[i] !== b[i]);
  return differ;
}

function countNotSummed(w: ArrayLike<number>, before: ArrayLike<number>, hq: ArrayLike<number>): number {
  let differ = 0;
  for (let i = 0; i < w.length; i++) differ += +(w[i] !== before[i] + hq[i]);
  return differ;
}

function compute(record: TraceRecord, grid: Grid, context: RuleContext): StepScan {
  const { mode, precision } = context.settings.header;
  const exact = precision === 'float64';
  const { h, hq, w } = record;
  const before = exact && hq ? sameComponentsBefore(record, context.previous) : undefined;
  if (h && hq && w && h.length === hq.length && w.length === hq.length) {
    const { totals: f, core, grids } = fused(h, hq, w, before, grid, mode, exact);
    return {
      coreMatch: core && f.notCore === 0,
      nonZero: f.nonZero,
      sum: f.sum,
      magnitude: f.magnitude,
      maxAbsH: f.max,
      onGrid: grids ? f.offGrid === 0 : undefined,
      sumsExactly: before === undefined ? undefined : f.notSummed === 0,
    };
  }
  const qh = exact && h && hq && h.length === hq.length ? quantizeAll(h, grid, mode, 0) : undefined;
  const qw = exact && w ? quantizeAll(w, grid, 'round', 1) : undefined;
  const of = hq ? summaries(hq) : undefined;
  return {
    coreMatch: qh !== undefined && countDifferent(qh, hq!) === 0,
    nonZero: of?.nonZero,
    sum: of?.sum,
    magnitude: of?.magnitude,
    maxAbsH: h ? maxAbs(h) : undefined,
    onGrid: qw === undefined ? undefined : countDifferent(qw, w!) === 0,
    sumsExactly: before === undefined ? undefined : countNotSummed(w!, before, hq!) === 0,
  };
}

/** The scan of a record (memoised: the rules of one record share it). */
export function scanStep(record: TraceRecord, context: RuleContext): StepScan {
  let scan = scans.get(record);
  if (!scan) {
    scan = compute(record, context.grid, context);
    scans.set(record, scan);
  }
  return scan;
}

/** float64 only: hq is exactly the core's Q_p(h) on every component. */
export function matchesCore(record: TraceRecord, context: RuleContext): boolean {
  return scanStep(record, context).coreMatch;
}
