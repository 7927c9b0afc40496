/**
 * Conformance vectors: JSON files another implementation's test suite loads to compare itself
 * with qle. Every expected value is computed here by the core (quantizer, scheduleTable,
 * quantizedStep + Scheduler), never typed; verifyVectors recomputes them.
 *
 *   quantizer.json  x → k, x^Q on ties, cell boundaries ±1 ulp, non-binary grids, negative p,
 *                   subnormals, large |Q·x|; plus inputs that must raise a range error
 *   schedule.json   T(t), p_inf(t), p(t) of the scheduler alone for several hyperparameter sets
 *   learning.json   short runs of Algorithm 1 on fixed gradients: per step p, d, Q_p(d), w
 *   traces/*.jsonl  the learning runs as qle traces (each passes `qle check`)
 */
import { ratioToDouble } from '../core/exact.ts';
import { Learner, type TensorSpec } from '../core/learner.ts';
import type { DirectionKind } from '../core/learning.ts';
import { READINGS, resolveReading, type Reading, type ReadingName } from '../core/reading.ts';
import { exactGridIndex, gridIndex, gridValue, makeGrid, quantize, QuantizerRangeError, type QuantMode } from '../core/quantizer.ts';
import { createRng } from '../core/rng.ts';
import { langevinKappa, REFERENCE_SCHEDULE, referenceKappa, scheduleTable, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import { nextDown, nextUp } from '../core/floats.ts';
import { headerLine, recordLine, scheduleFields } from './writer.ts';

export const VECTORS_FORMAT = 'qle-vectors';
export const VECTORS_VERSION = 1;

// ---------------------------------------------------------------- quantizer (SPEC §1)

export interface QuantizerCase {
  readonly eta: number;
  readonly base: number;
  readonly p: number;
  readonly mode: QuantMode;
  readonly x: number;
  /** The grid integer ⌊Q_p·x⌋ (floor) or ⌊Q_p·x + ½⌋ (round), exact. */
  readonly k: number;
  /** x^Q: the double nearest to k/Q_p. */
  readonly xq: number;
  readonly note: string;
}

export interface QuantizerRangeCase {
  readonly eta: number;
  readonly base: number;
  readonly p: number;
  readonly mode: QuantMode;
  readonly x: number;
  readonly error: 'range';
  readonly note: string;
}

const QUANTIZER_GRIDS: readonly [number, number, number][] = [
  [1, 2, 0],
  [1, 2, 5],
  [1, 2, -3],
  [1, 2, 30],
  [3, 10, 2],
  [1, 3, 5],
  [5, 7, -2],
  [1, 10, -3],
  [1, 2, 1000],
];

const SUBNORMALS = [Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1060, -3 * 2 ** -1070, 2 ** -1022 - 2 ** -1074];

export function quantizerVectors(): { cases: QuantizerCase[]; rangeErrors: QuantizerRangeCase[] } {
  const cases: QuantizerCase[] = [];
  const rangeErrors: QuantizerRangeCase[] = [];
  const rng = createRng(20261126);
  for (const [eta, base, p] of QUANTIZER_GRIDS) {
    const grid = makeGrid(eta, base, p);
    for (const mode of ['floor', 'round'] as const) {
      const inputs: [number, string][] = [[0, 'zero']];
      for (const k of [-3, -1, 0, 1, 2, 7]) {
        // The real cell boundary: k/Q (floor) or (k + ½)/Q (round, a tie), as its nearest double.
        const { num, den } = grid.exactQ;
        const boundary = mode === 'floor' ? ratioToDouble(BigInt(k) * den, num) : ratioToDouble(BigInt(2 * k + 1) * den, 2n * num);
        const what = mode === 'floor' ? `cell boundary ${k}/Q` : `tie (${k}+1/2)/Q`;
        inputs.push([boundary, `${what}, nearest double`], [nextDown(boundary), `${what}, 1 ulp below`], [nextUp(boundary), `${what}, 1 ulp above`]);
      }
      for (let i = 0; i < 4; i++) inputs.push([(rng.uniform() - 0.5) * 20 * grid.cell, 'random, within 10 cells']);
      for (const x of SUBNORMALS) inputs.push([x, 'subnormal input']);
      const large = ratioToDouble(grid.exactQ.den * 2n ** 52n, grid.exactQ.num);
      inputs.push([nextDown(large), '|Q·x| just below 2^52'], [-nextDown(large), '−|Q·x| just below 2^52']);
      for (const [x, note] of inputs) {
        if (!Number.isFinite(x)) continue;
        const k = gridIndex(x, grid, mode);
        cases.push({ eta, base, p, mode, x, k, xq: gridValue(k, grid), note });
      }
      const tooLarge = ratioToDouble(grid.exactQ.den * 2n ** 53n, grid.exactQ.num) * 2;
      if (Number.isFinite(tooLarge)) rangeErrors.push({ eta, base, p, mode, x: tooLarge, error: 'range', note: '|Q·x| >= 2^53: k would not be exact' });
    }
  }
  return { cases, rangeErrors };
}

// ---------------------------------------------------------------- schedule (SPEC §6)

export interface ScheduleVector {
  readonly name: string;
  readonly params: ScheduleParams;
  readonly t: number[];
  readonly T: number[];
  readonly pInf: number[];
  /** p after B.2b at time t, i.e. the index the step at t+1 uses (p before t = 0 is p0). */
  readonly p: number[];
}

export const SCHEDULE_SETS: readonly { name: string; params: ScheduleParams; steps: number }[] = [
  { name: 'reference (eq. 34), p0 = 0', params: REFERENCE_SCHEDULE, steps: 200 },
  { name: 'reference, p0 = 2 (the reference README example)', params: { ...REFERENCE_SCHEDULE, p0: 2 }, steps: 120 },
  { name: 'Langevin kappa = 1/(24 lambda), lambda = 2^-6', params: { ...REFERENCE_SCHEDULE, kappa: langevinKappa(2 ** -6) }, steps: 120 },
  { name: 'base 3, eta 2, C = 1e-4, beta = 5, p0 = -2 (negative p)', params: { base: 3, eta: 2, C: 1e-4, beta: 5, kappa: referenceKappa(), p0: -2, pMax: 20 }, steps: 120 },
  { name: 'p_max = 8 reached (cap)', params: { ...REFERENCE_SCHEDULE, pMax: 8 }, steps: 120 },
  { name: 'beta = 0 (no hot start)', params: { ...REFERENCE_SCHEDULE, beta: 0 }, steps: 60 },
];

export function scheduleVectors(): ScheduleVector[] {
  return SCHEDULE_SETS.map(({ name, params, steps }) => ({ name, params, ...scheduleTable(params, steps) }));
}

// ---------------------------------------------------------------- learning runs (SPEC §3, §7)

export interface LearningSpec {
  readonly name: string;
  readonly note: string;
  readonly mode: QuantMode;
  readonly lambda: number;
  readonly direction: DirectionKind;
  readonly params: ScheduleParams;
  readonly b2a: boolean;
  readonly b2b: boolean;
  readonly timeUnit: TimeUnit;
  /** Steps per epoch (time unit epoch). */
  readonly stepsPerEpoch?: number;
  /** The B.2a reading (SPEC §7; absent: paper). Its mode is `mode`. */
  readonly reading?: ReadingName;
  /** Tensor sizes, in order (absent: one tensor of all weights). Readings other than paper differ only with several. */
  readonly tensors?: number[];
  /** Initial weights before snapping to G_{p0}. */
  readonly start: number[];
  readonly gradients: number[][];
}

export interface LearningStep {
  /** Scheduler time of the step. */
  readonly t: number;
  /** The index the step was quantized with (after B.2a in this step; the last tensor's under `tensor`). */
  readonly p: number;
  /** Per tensor: the index its step was quantized with (several tensors only). */
  readonly tensorP?: number[];
  /** The direction h(w): the gradient for SGD, m̂/(√v̂+ε) for ADAM. */
  readonly direction: number[];
  /** The unquantized step d = −λ·h (a trace's "h"). */
  readonly d: number[];
  /** Q_p(d) (a trace's "hq"). */
  readonly dq: number[];
  /** Weights after the step. */
  readonly w: number[];
  /** The index after the scheduler's B.2b/clock (what the next step starts from; the first index under per-tensor). */
  readonly pNext: number;
  /** Per index slot after B.2b (per-tensor only). */
  readonly pNextPerTensor?: number[];
}

export interface LearningVector extends LearningSpec {
  /** start snapped to G_{p0} (core snapToGrid). */
  readonly w0: number[];
  readonly steps: LearningStep[];
}

function gradients(seed: number, steps: number, dims: number, scale: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: steps }, () => Array.from({ length: dims }, () => scale * rng.normal()));
}

export function learningSpecs(): LearningSpec[] {
  const reference = { ...REFERENCE_SCHEDULE };
  const common = { mode: 'round' as const, direction: 'sgd' as const, b2a: true, b2b: true, timeUnit: 'step' as const };
  return [
    { ...common, name: 'reference-sgd', note: 'reference schedule, p0 = 0, SGD, lambda = 2^-5', lambda: 2 ** -5, params: reference, start: [0.3, -1.7, 2.2, 0.05], gradients: gradients(11, 25, 4, 2) },
    { ...common, name: 'vanishing', note: 'tiny gradients: B.2a raises p within steps', lambda: 2 ** -8, params: { ...reference, p0: 2 }, start: [1, -1, 0.5], gradients: gradients(12, 20, 3, 1e-4) },
    {
      ...common,
      name: 'cancelling-step',
      note: 'steps 0, 1, 3 and 4 quantize to non-zero components that sum to 0: B.2a must NOT raise p there (a sum(dQ) == 0 test would); step 2 vanishes at p = 3 and 4 and B.2a raises p to 5',
      lambda: 2 ** -4,
      params: { ...reference, p0: 3, C: 1e-3 },
      b2b: false,
      start: [0.5, 0.5, 0],
      gradients: [[1.3, -1.3, 0], [3.1, -3.1, 0], [0.5, 0.25, 0], [-2, 2, 0], [4, 1, -5]],
    },
    { ...common, name: 'floor-no-b2b', note: 'floor mode, B.2b off', mode: 'floor', lambda: 2 ** -4, params: { ...reference, p0: 4 }, b2b: false, start: [0.7, -0.2], gradients: gradients(13, 15, 2, 1) },
    {
      ...common,
      name: 'non-binary-grid',
      note: 'eta = 3, b = 10: the doubles k/Q_p are not closed under addition; w is snapped back to its grid point',
      lambda: 0.1,
      params: { base: 10, eta: 3, C: 1e-3, beta: 2, kappa: referenceKappa(), p0: 0, pMax: 8 },
      start: [0.123456, -0.987654, 0.5],
      gradients: gradients(14, 15, 3, 1),
    },
    { ...common, name: 'adam', note: 'ADAM direction (beta1 0.9, beta2 0.999, eps 1e-8)', direction: 'adam', lambda: 2 ** -6, params: reference, start: [0.25, -0.75, 1.5], gradients: gradients(15, 20, 3, 1) },
    { ...common, name: 'epoch-clock', note: 'time unit epoch, 5 steps per epoch: B.2b and t advance at epoch ends', timeUnit: 'epoch', stepsPerEpoch: 5, lambda: 2 ** -5, params: reference, start: [0.5, -0.5], gradients: gradients(16, 25, 2, 1) },
    ...readingSpecs(),
  ];
}

/**
 * One learning run per reading (SPEC §7) on a network of three tensors whose gradients differ by
 * orders of magnitude (the third tensor's steps vanish first) and whose middle tensor's steps
 * cancel in sum: the readings give different indices on the same gradients.
 */
function readingSpecs(): LearningSpec[] {
  const rng = createRng(17);
  const gradientsOf = () => Array.from({ length: 12 }, (_, s) => {
    const big = [rng.normal(), rng.normal()];
    const c = s % 3 === 0 ? 0.75 : rng.normal();
    const tiny = [1e-3 * rng.normal(), 1e-3 * rng.normal()];
    return [...big, c, -c, ...tiny];
  });
  const gradients = gradientsOf();
  const base = { mode: 'round' as const, direction: 'sgd' as const, b2a: true, timeUnit: 'step' as const, lambda: 2 ** -4, tensors: [2, 2, 2], start: [0.5, -0.5, 0.25, 0.25, 1, -1] };
  const params = { ...REFERENCE_SCHEDULE, p0: 0, pMax: 10, C: 1e-3 };
  return (Object.keys(READINGS) as ReadingName[]).map((reading) => ({
    ...base,
    name: `reading-${reading}`,
    note: `reading ${reading}: three tensors (large, cancelling pair, tiny gradients); p_max = 10`,
    reading,
    params,
    b2b: reading !== 'reference',
    gradients,
  }));
}

/** The reading of a learning spec, with the spec's quantizer mode. */
export function readingOf(spec: LearningSpec): Reading {
  return { ...resolveReading(spec.reading ?? 'paper'), mode: spec.mode };
}

/** Run Algorithm 1 on the fixed gradients with the core Learner: the expected values of a learning vector. */
export function runLearning(spec: LearningSpec): LearningVector {
  const dims = spec.start.length;
  const sizes = spec.tensors ?? [dims];
  const tensors: TensorSpec[] = sizes.map((size, i) => ({ name: `tensor${i}`, size }));
  const reading = readingOf(spec);
  const learner = new Learner({
    direction: spec.direction,
    learningRate: spec.lambda,
    quantization: { reading, schedule: spec.params, b2a: spec.b2a, b2b: spec.b2b, clock: spec.timeUnit, weightsOnGrid: true },
    tensors,
  });
  const scheduler = learner.scheduler!;
  const w = Float64Array.from(spec.start);
  learner.prepare(w);
  const w0 = Array.from(w);
  const several = tensors.length > 1;
  const steps: LearningStep[] = [];
  spec.gradients.forEach((gradient, i) => {
    const t = scheduler.t;
    const report = learner.step(w, Float64Array.from(gradient));
    const tensorP = Array.from(report.tensorIndex);
    const p = tensorP[tensorP.length - 1];
    if (spec.timeUnit === 'epoch' && (i + 1) % (spec.stepsPerEpoch ?? 1) === 0) learner.endEpoch();
    steps.push({
      t,
      p,
      ...(several ? { tensorP } : {}),
      direction: Array.from(learner.lastDirection),
      d: Array.from(learner.unquantizedStep),
      dq: Array.from(learner.quantizedStep),
      w: Array.from(w),
      pNext: scheduler.index(0),
      ...(reading.granularity === 'per-tensor' && several ? { pNextPerTensor: Array.from(scheduler.indices) } : {}),
    });
  });
  return { ...spec, w0, steps };
}

export function learningVectors(): LearningVector[] {
  return learningSpecs().map(runLearning);
}

/** Learning vectors that fit a v1 trace (one tensor, one index): the others have no trace file. */
export function traceable(vector: LearningSpec): boolean {
  return (vector.tensors ?? [vector.start.length]).length === 1;
}

/** A learning vector as a qle trace (header + one record per step). */
export function learningTrace(vector: LearningVector): string {
  const { params } = vector;
  const lines = [
    headerLine({
      mode: vector.mode,
      ...scheduleFields(params),
      timeUnit: vector.timeUnit,
      b2a: vector.b2a,
      b2b: vector.b2b,
      precision: 'float64',
      lambda: vector.lambda,
      producer: `qle vectors: learning run ${vector.name}`,
    }),
    ...vector.steps.map((s) => recordLine({ t: s.t, p: s.p, h: s.d, hq: s.dq, w: s.w })),
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- files and verification

export interface VectorFiles {
  readonly manifest: Record<string, unknown>;
  readonly quantizer: ReturnType<typeof quantizerVectors> & Record<string, unknown>;
  readonly schedule: { schedules: ScheduleVector[] } & Record<string, unknown>;
  readonly learning: { runs: LearningVector[] } & Record<string, unknown>;
}

const stamp = (kind: string, description: string) => ({ format: VECTORS_FORMAT, version: VECTORS_VERSION, kind, description });

export function buildVectors(): VectorFiles {
  return {
    manifest: {
      ...stamp('manifest', 'qle conformance vectors; every expected value computed by the qle math core (src/core)'),
      files: ['quantizer.json', 'schedule.json', 'learning.json', ...learningSpecs().filter(traceable).map((s) => `traces/${s.name}.jsonl`)],
      numbers: 'JSON numbers are the shortest decimals that round-trip to the intended IEEE-754 double; parse them as float64 (−0 is written 0).',
    },
    quantizer: {
      ...stamp('quantizer', 'SPEC §1: Q_p = eta*b^p; k = floor(Q_p*x) (floor) or floor(Q_p*x + 1/2) (round), exact for the input double; xq = the double nearest k/Q_p. rangeErrors: inputs with |Q_p*x| >= 2^53 that must raise.'),
      ...quantizerVectors(),
    },
    schedule: {
      ...stamp('schedule', 'SPEC §6: T(t) = b^(2*beta/(t+2))*C/ln(t+2); pInf(t) = log_b(kappa/(eta^2*T(t)))/2; p[t] = min(pMax, max(p[t-1], ceil(pInf(t)))), p[-1] = p0: the index after B.2b at time t, used by the step at t+1. Compare T and pInf to a relative 1e-12 (libm differences); p exactly.'),
      schedules: scheduleVectors(),
    },
    learning: {
      ...stamp('learning', 'SPEC §3, §7: per step, d = -lambda*direction, dq = Q_p(d) with B.2a under the run\'s reading (absent: paper = raise p while dq of ALL weights is zero; tensor = one index, tensors in order, raised while the current tensor\'s dq vanishes; per-tensor = one index per tensor; reference = tensor granularity, sum(dq) == 0 test, p may reach pMax + 1, no B.2a on the first step, B.2b off), w <- w + dq (snapped back to the grid on non-binary grids), then B.2b and t <- t+1 at the clock (every step, or every stepsPerEpoch steps). w0 is start snapped to G_p0 (round). p is the index the step used (tensorP per tensor); pNext the index after B.2b.'),
      runs: learningVectors(),
    },
  };
}

/** Recompute every expected value with the core; returns the mismatches (empty = verified). */
export function verifyVectors(files: Pick<VectorFiles, 'quantizer' | 'schedule' | 'learning'>): string[] {
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  files.quantizer.cases.forEach((c, i) => {
    const grid = makeGrid(c.eta, c.base, c.p);
    const k = exactGridIndex(c.x, grid, c.mode); // the definition (bigint), not the fast path
    if (k !== c.k) problems.push(`quantizer case ${i} (${c.note}): k ${c.k}, core ${k}`);
    const xq = quantize(c.x, grid, c.mode);
    if (!same(xq, c.xq)) problems.push(`quantizer case ${i} (${c.note}): xq ${c.xq}, core ${xq}`);
  });
  files.quantizer.rangeErrors.forEach((c, i) => {
    try {
      quantize(c.x, makeGrid(c.eta, c.base, c.p), c.mode);
      problems.push(`range case ${i}: core did not raise`);
    } catch (error) {
      if (!(error instanceof QuantizerRangeError)) problems.push(`range case ${i}: ${(error as Error).message}`);
    }
  });
  files.schedule.schedules.forEach((s) => {
    const table = scheduleTable(s.params, s.t.length);
    for (const key of ['t', 'T', 'pInf', 'p'] as const) if (!same(table[key], s[key])) problems.push(`schedule "${s.name}": ${key} differs from the core`);
  });
  files.learning.runs.forEach((run) => {
    const { w0, steps, ...spec } = run;
    const expected = runLearning(spec);
    if (!same(expected.w0, w0)) problems.push(`learning "${run.name}": w0 differs`);
    steps.forEach((step, i) => {
      if (!same(expected.steps[i], step)) problems.push(`learning "${run.name}" step ${i}: differs from the core`);
    });
    if (expected.steps.length !== steps.length) problems.push(`learning "${run.name}": ${steps.length} steps, core ${expected.steps.length}`);
  });
  return problems;
}
