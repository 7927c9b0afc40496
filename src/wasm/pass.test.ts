/**
 * The Learner's quantize + B.2a pass on the wasm kernel against the JS definition (JsQuantizePass),
 * step by step: w, d, dQ, every index and the whole step report must be bit-identical, under every
 * reading (granularity × vanishing test × cap × first-step rule × mode), for populations of
 * one-tensor runs and for networks of several tensors, on binary grids and on grids whose k/Q needs
 * a division or the exact path, from starts where B.2a raises (a fine step at p_0 = 0) and with
 * steps placed next to cell boundaries and round-mode ties.
 */
import { describe, expect, it } from 'vitest';
import { Learner, type LearnerConfig, type QuantizationConfig, type TensorSpec } from '../core/learner.ts';
import { nextDown, nextUp } from '../core/floats.ts';
import { makeGrid, type QuantMode } from '../core/quantizer.ts';
import { CAP_RULES, GRANULARITIES, VANISHING_TESTS, type Reading } from '../core/reading.ts';
import { createRng, type Rng } from '../core/rng.ts';
import type { ScheduleParams } from '../core/schedule.ts';
import { withKernels } from './kernels.ts';

const BINARY: ScheduleParams = { base: 2, eta: 1, C: 1e-3, beta: 2, kappa: 64 / 24, p0: 0, pMax: 12 };
/** Q = 3·2^p (k/Q by division for p ≥ 0, by (k·2^m)/3 below 0): every snap and decision non-binary. */
const TIMES_THREE: ScheduleParams = { ...BINARY, eta: 3, p0: -2, pMax: 9 };
/** Q = 10^p: a coarse grid that raises fast, and large k·b^m. */
const DECIMAL: ScheduleParams = { ...BINARY, base: 10, eta: 1, p0: -1, pMax: 5 };

const READINGS_ALL: Reading[] = [];
for (const granularity of GRANULARITIES)
  for (const test of VANISHING_TESTS)
    for (const cap of CAP_RULES)
      for (const b2aOnFirstStep of [true, false])
        for (const mode of ['round', 'floor'] as QuantMode[]) READINGS_ALL.push({ granularity, test, cap, mode, b2aOnFirstStep });

interface Scenario {
  readonly label: string;
  readonly tensors: readonly TensorSpec[];
  readonly runs: number;
  readonly reading: Reading;
  readonly schedule: ScheduleParams;
  readonly b2b: boolean;
  readonly weightsOnGrid: boolean;
  readonly direction: LearnerConfig['direction'];
  /** Weights in the kernels' memory (no copy) or a plain array (copied in and out). */
  readonly inKernelMemory: boolean;
}

/** The doubles next to k/Q and (k + ½)/Q for small k: where a float decision is hardest. */
function boundaryStep(rng: Rng, Q: number): number {
  const k = Math.floor(rng.uniform() * 9) - 4;
  const x = (rng.uniform() < 0.5 ? k : k + 0.5) / Q;
  const s = Math.floor(rng.uniform() * 5) - 2;
  let y = x;
  for (let i = 0; i < Math.abs(s); i++) y = s > 0 ? nextUp(y) : nextDown(y);
  return y;
}

/** Gradients and raw steps of one step, the same for both learners (drawn from a seeded stream). */
function drawInputs(rng: Rng, n: number, t: number, Q: number): { g: Float64Array; d: Float64Array } {
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    // Mostly small gradients (vanishing steps at coarse p, so B.2a raises), some zero, some large.
    g[i] = u < 0.1 ? 0 : u < 0.8 ? rng.normal() * 2 ** -(3 + (t % 7)) : rng.normal() * 4;
    d[i] = u < 0.05 ? 0 : u < 0.5 ? boundaryStep(rng, Q) : rng.normal() * 2 ** -(2 + (t % 9));
  }
  // Cancelling pairs, so that a `sum` test sees a zero sum of a non-zero step.
  if (n >= 2 && t % 3 === 0) d[1] = -d[0];
  return { g, d };
}

function makeLearner(s: Scenario, wasm: boolean): Learner {
  const quantization: QuantizationConfig = { reading: s.reading, schedule: s.schedule, b2a: true, b2b: s.b2b, clock: 'step', weightsOnGrid: s.weightsOnGrid };
  return withKernels(wasm, () => new Learner({ direction: s.direction, learningRate: 2 ** -6, quantization, tensors: s.tensors, runs: s.runs }));
}

function snapshot(learner: Learner, w: Float64Array) {
  const r = learner.report;
  return {
    w: Array.from(w),
    d: Array.from(learner.unquantizedStep),
    dq: Array.from(learner.quantizedStep),
    p: Array.from(learner.scheduler!.indices),
    vanished: Array.from(r.vanished),
    raises: Array.from(r.raises),
    tensorIndex: Array.from(r.tensorIndex),
    tensorStartIndex: Array.from(r.tensorStartIndex),
    zeroComponents: r.zeroComponents,
    vanishedRuns: r.vanishedRuns,
  };
}

/** Bit-level equality of two snapshots (−0 ≠ 0, NaN = NaN), naming the first difference. */
function firstDifference(a: ReturnType<typeof snapshot>, b: ReturnType<typeof snapshot>): string | null {
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'number') {
      if (!Object.is(x, y)) return `${key}: JS ${x}, wasm ${y}`;
      continue;
    }
    const ys = y as number[];
    if (x.length !== ys.length) return `${key}: length ${x.length} vs ${ys.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], ys[i])) return `${key}[${i}]: JS ${x[i]}, wasm ${ys[i]}`;
  }
  return null;
}

function runScenario(s: Scenario, steps: number, seed: number): { raises: number; vanished: number } {
  const js = makeLearner(s, false);
  const wasm = makeLearner(s, true);
  expect(js.passKind).toBe('js');
  expect(wasm.passKind).toBe('wasm');
  const n = s.runs * js.dims;
  const rng = createRng(seed);
  const start = Float64Array.from({ length: n }, () => rng.normal() * 3);
  const wJs = Float64Array.from(start);
  const wWasm = s.inKernelMemory ? wasm.allocate(n) : new Float64Array(n);
  wWasm.set(start);
  js.prepare(wJs);
  wasm.prepare(wWasm);
  let raises = 0;
  let vanished = 0;
  for (let t = 0; t < steps; t++) {
    const Q = makeGrid(s.schedule.eta, s.schedule.base, js.scheduler!.index(0)).Q;
    const { g, d } = drawInputs(rng, n, t, Q);
    // Alternate the two entries: a gradient through direction and λ, or a raw step d.
    if (t % 2 === 0) {
      js.step(wJs, g);
      wasm.step(wWasm, g);
    } else {
      js.stepFromUpdate(wJs, d);
      wasm.stepFromUpdate(wWasm, d);
    }
    const difference = firstDifference(snapshot(js, wJs), snapshot(wasm, wWasm));
    if (difference) throw new Error(`${s.label}, step ${t}: ${difference}`);
    for (const x of js.report.raises) raises += x;
    vanished += js.report.vanishedRuns;
  }
  expect(wasm.state()).toEqual(js.state());
  return { raises, vanished };
}

const NETWORK: TensorSpec[] = [
  { name: 'a', size: 3 },
  { name: 'b', size: 1 },
  { name: 'c', size: 4 },
  { name: 'd', size: 2 },
];

describe('wasm quantize pass = JS pass, bit for bit (w, d, dQ, indices, report)', () => {
  it('every reading on populations of 1-, 2- and 3-D runs, binary grid, B.2b on and off', () => {
    let raises = 0;
    let vanished = 0;
    let seed = 1;
    for (const reading of READINGS_ALL) {
      for (const [dims, runs] of [
        [2, 37],
        [1, 16],
        [3, 9],
      ] as const) {
        const s: Scenario = {
          label: `${JSON.stringify(reading)} dims ${dims}`,
          tensors: [{ name: 'w', size: dims }],
          runs,
          reading,
          schedule: BINARY,
          b2b: seed % 2 === 0,
          weightsOnGrid: true,
          direction: seed % 3 === 0 ? 'adam' : 'sgd',
          inKernelMemory: seed % 4 !== 0,
        };
        const seen = runScenario(s, 24, seed++);
        raises += seen.raises;
        vanished += seen.vanished;
      }
    }
    // The scenarios exercise B.2a: runs vanish and indices are raised.
    expect(raises).toBeGreaterThan(1000);
    expect(vanished).toBeGreaterThan(1000);
  });

  it('every reading on a network of four tensors (one run and three), binary grid, weights off the grid', () => {
    let seed = 500;
    for (const reading of READINGS_ALL) {
      for (const runs of [1, 3]) {
        runScenario(
          {
            label: `${JSON.stringify(reading)} network × ${runs}`,
            tensors: NETWORK,
            runs,
            reading,
            schedule: BINARY,
            b2b: true,
            weightsOnGrid: false,
            direction: 'adam',
            inKernelMemory: runs === 3,
          },
          20,
          seed++,
        );
      }
    }
  });

  it('non-binary grids (Q = 3·2^p, Q = 10^p): exact decisions, divisions, snapping back onto the grid', () => {
    let seed = 900;
    for (const schedule of [TIMES_THREE, DECIMAL]) {
      for (const reading of READINGS_ALL.filter((r) => r.b2aOnFirstStep)) {
        for (const weightsOnGrid of [true, false]) {
          runScenario(
            {
              label: `η=${schedule.eta} b=${schedule.base} ${JSON.stringify(reading)} onGrid ${weightsOnGrid}`,
              tensors: reading.granularity === 'all' ? [{ name: 'w', size: 2 }] : NETWORK,
              runs: 5,
              reading,
              schedule,
              b2b: seed % 2 === 0,
              weightsOnGrid,
              direction: 'sgd',
              inKernelMemory: true,
            },
            16,
            seed++,
          );
        }
      }
    }
  });

  it("a large 2-D population at one index (the kernel's uniform loop), from p_0 = 0 where every run raises", () => {
    const s: Scenario = {
      label: 'uniform 2-D',
      tensors: [{ name: 'w', size: 2 }],
      runs: 1001,
      reading: READINGS_ALL[0],
      schedule: { ...BINARY, pMax: 20 },
      b2b: true,
      weightsOnGrid: true,
      direction: 'sgd',
      inKernelMemory: true,
    };
    const seen = runScenario(s, 30, 4242);
    expect(seen.raises).toBeGreaterThan(1000);
  });
});
