/**
 * SPEC §7, the readings of B.2a: the core Learner (and the `qle step` oracle built on it) against an
 * independent, spelled-out Algorithm 1 step for every reading — scalar quantize, plain arrays, one
 * loop per granularity — and the properties that tell the readings apart, each shown to catch a
 * deliberately wrong learner. Two findings are searched for and shrunk: the reference's `sum` test
 * raises p on a non-zero step whose components cancel, and under `all` most components of a
 * network's step can be zero.
 *
 * Also SPEC §6: an independent oracle for T(t) (eq. 12) and for the index table of the scheduler
 * alone, which closes two gaps mutation testing found (dropping the factor 2 of b^{2β/(t+2)}, and
 * dropping the max with the previous index in scheduleTable, passed every earlier property).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Learner, type StepReport } from '../src/core/learner.ts';
import { makeGrid, quantize } from '../src/core/quantizer.ts';
import { CAP_RULES, GRANULARITIES, READINGS, VANISHING_TESTS, type Reading } from '../src/core/reading.ts';
import { boundedIndex, boundTarget, infimumIndex, REFERENCE_SCHEDULE, scheduleTable, targetTemperature, type ScheduleParams, type ScheduleTable } from '../src/core/schedule.ts';
import { oracleStep } from '../src/check/step-oracle.ts';
import { expectCaught, findCounterexample, holds, RUNS } from './config.ts';
import { scheduleParamsArb } from './scheduler.props.ts';

// ---------------------------------------------------------------------------------------------
// Cases: a network of 1–4 tensors, one step.

const componentArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -30, max: 3 }).chain((e) => fc.double({ min: 1, max: 2, noNaN: true, maxExcluded: true }).map((m) => m * 2 ** e)),
  fc.double({ min: -4, max: 4, noNaN: true }),
);
/** A tensor's step d = −λh: ordinary, tiny (vanishing) or a cancelling pair (sums to 0). */
const tensorStepArb = fc.oneof(
  fc.array(fc.tuple(fc.boolean(), componentArb).map(([neg, x]) => (neg ? -x : x)), { minLength: 1, maxLength: 4 }),
  fc.array(fc.integer({ min: -40, max: -6 }).map((e) => 2 ** e), { minLength: 1, maxLength: 3 }),
  componentArb.map((x) => [x, -x]),
);

const readingArb: fc.Arbitrary<Reading> = fc.oneof(
  fc.constantFrom(...Object.values(READINGS)),
  fc.record({
    granularity: fc.constantFrom(...GRANULARITIES),
    test: fc.constantFrom(...VANISHING_TESTS),
    cap: fc.constantFrom(...CAP_RULES),
    mode: fc.constantFrom('round' as const, 'floor' as const),
    b2aOnFirstStep: fc.boolean(),
  }),
);

const stepCaseArb = fc
  .record({
    reading: readingArb,
    p0: fc.integer({ min: -2, max: 6 }),
    span: fc.integer({ min: 0, max: 14 }),
    t: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200 })),
    b2b: fc.boolean(),
    steps: fc.array(tensorStepArb, { minLength: 1, maxLength: 4 }),
    raiseAt: fc.nat(),
  })
  .map(({ reading, p0, span, t, b2b, steps, raiseAt }) => {
    const schedule: ScheduleParams = { ...REFERENCE_SCHEDULE, C: 1e-3, p0, pMax: p0 + span };
    // Start some cases above p_0 (as a run would after B.2a), within the reading's ceiling.
    const ceiling = reading.cap === 'reference' ? schedule.pMax + 1 : schedule.pMax;
    const start = p0 + (raiseAt % (ceiling - p0 + 1));
    const slots = reading.granularity === 'per-tensor' ? steps.length : 1;
    return { reading, schedule, t, b2b, steps, indices: Array.from({ length: slots }, (_, i) => Math.min(ceiling, start + (i % 2))) };
  });
type StepCase = typeof stepCaseArb extends fc.Arbitrary<infer T> ? T : never;

interface StepResult {
  /** Index each tensor's step was quantized with. */
  readonly used: number[];
  /** Index each tensor met, before B.2a. */
  readonly met: number[];
  /** The quantized step per tensor. */
  readonly dq: number[][];
  /** Indices after the step (B.2a and B.2b). */
  readonly after: number[];
}

/** One step of any learner under test. */
type StepImpl = (c: StepCase) => StepResult;

/** The core Learner, one step from given d (what `qle step` runs). */
function learnerStep(c: StepCase, reading: Reading = c.reading): StepResult {
  const learner = new Learner({
    direction: 'plain',
    learningRate: 1,
    quantization: { reading, schedule: c.schedule, b2a: true, b2b: c.b2b, clock: 'step', weightsOnGrid: false },
    tensors: c.steps.map((s, i) => ({ name: `t${i}`, size: s.length })),
  });
  learner.restore({ steps: c.t, scheduler: { p: c.indices.slice(0, learner.scheduler!.count), t: c.t } });
  const d = Float64Array.from(c.steps.flat());
  const report: StepReport = learner.stepFromUpdate(new Float64Array(d.length), d);
  let offset = 0;
  const dq = c.steps.map((s) => {
    const part = Array.from(learner.quantizedStep.subarray(offset, offset + s.length));
    offset += s.length;
    return part;
  });
  return { used: Array.from(report.tensorIndex), met: Array.from(report.tensorStartIndex), dq, after: Array.from(learner.scheduler!.indices) };
}

const coreStep: StepImpl = (c) => learnerStep(c);

/**
 * Algorithm 1's step spelled out (SPEC §7), independent of the Learner: scalar quantize, arrays,
 * the vanishing test and the cap written here, one branch per granularity.
 */
const spelledOutStep: StepImpl = (c) => {
  const { reading, schedule } = c;
  const ceiling = reading.cap === 'reference' ? schedule.pMax + 1 : schedule.pMax;
  const mayRaise = c.t > 0 || reading.b2aOnFirstStep;
  const q = (values: number[], p: number) => values.map((x) => quantize(x, makeGrid(schedule.eta, schedule.base, p), reading.mode));
  const vanished = (dq: number[]) => (reading.test === 'sum' ? dq.reduce((a, b) => a + b, 0) === 0 : dq.every((x) => x === 0));
  const indices = [...c.indices];
  const used: number[] = [];
  const met: number[] = [];
  const dq: number[][] = [];
  if (reading.granularity === 'all') {
    const all = c.steps.flat();
    const start = indices[0];
    let quantized = q(all, indices[0]);
    while (mayRaise && vanished(quantized) && indices[0] < ceiling) quantized = q(all, ++indices[0]);
    let offset = 0;
    for (const s of c.steps) {
      dq.push(quantized.slice(offset, offset + s.length));
      offset += s.length;
      used.push(indices[0]);
      met.push(start);
    }
  } else {
    c.steps.forEach((s, i) => {
      const slot = reading.granularity === 'per-tensor' ? i : 0;
      met.push(indices[slot]);
      let quantized = q(s, indices[slot]);
      while (mayRaise && vanished(quantized) && indices[slot] < ceiling) quantized = q(s, ++indices[slot]);
      dq.push(quantized);
      used.push(indices[slot]);
    });
  }
  // B.2b at t, then t + 1 (the clock ticks per step here).
  const after = indices.map((p) => (c.b2b ? boundedIndex(p, c.t, schedule) : p));
  return { used, met, dq, after };
};

/** Broken: `tensor` and `per-tensor` read as `all` (the vanishing test over the whole step). */
const wholeVectorStep: StepImpl = (c) => learnerStep(c, { ...c.reading, granularity: 'all' });
/** Broken: the reference cap applied whatever the reading says (p may reach p_max + 1). */
const offByOneCapStep: StepImpl = (c) => learnerStep(c, { ...c.reading, cap: 'reference' });
/** Broken: the sum test whatever the reading says. */
const sumTestStep: StepImpl = (c) => learnerStep(c, { ...c.reading, test: 'sum' });

// ---------------------------------------------------------------------------------------------
// Properties.

/** The learner equals the spelled-out step: indices met and used, every quantized component, indices after. */
function agreesWithSpelledOut(impl: StepImpl, cases: fc.Arbitrary<StepCase> = stepCaseArb) {
  return fc.property(cases, (c) => {
    const expected = spelledOutStep(c);
    const found = impl(c);
    expect(found.used).toEqual(expected.used);
    expect(found.met).toEqual(expected.met);
    expect(found.dq.map((d) => d.map((x) => x + 0))).toEqual(expected.dq.map((d) => d.map((x) => x + 0)));
    expect(found.after).toEqual(expected.after);
  });
}

/**
 * `tensor` (and `per-tensor`): every tensor's applied step is non-zero, unless its index reached
 * the cap or B.2a did not run (the first step under a reading that skips it).
 */
function tensorStepsSurvive(impl: StepImpl) {
  const cases = stepCaseArb.filter((c) => c.reading.granularity !== 'all' && c.reading.test === 'all-zero');
  return fc.property(cases, (c) => {
    const r = impl(c);
    const ceiling = c.reading.cap === 'reference' ? c.schedule.pMax + 1 : c.schedule.pMax;
    const b2aRan = c.t > 0 || c.reading.b2aOnFirstStep;
    r.dq.forEach((dq, i) => {
      if (b2aRan && dq.every((x) => x === 0) && r.used[i] < ceiling) throw new Error(`tensor ${i}: all-zero step at p = ${r.used[i]} < cap ${ceiling}`);
    });
  });
}

/** B.2a raises only on a step that is all zero at the index it met (the paper's test). */
function raisesOnlyOnVanishedSteps(impl: StepImpl, cases: fc.Arbitrary<StepCase> = stepCaseArb) {
  return fc.property(cases, (c) => {
    const r = impl(c);
    r.dq.forEach((_, i) => {
      if (r.used[i] === r.met[i]) return;
      const atMet = c.steps[i].map((x) => quantize(x, makeGrid(c.schedule.eta, c.schedule.base, r.met[i]), c.reading.mode));
      const unit = c.reading.granularity === 'all' ? c.steps.flat().map((x) => quantize(x, makeGrid(c.schedule.eta, c.schedule.base, r.met[i]), c.reading.mode)) : atMet;
      if (unit.some((x) => x !== 0)) throw new Error(`tensor ${i}: raised from ${r.met[i]} to ${r.used[i]} on a non-zero step ${JSON.stringify(unit)}`);
    });
  });
}

/** Under `all`: at most half of the components of the applied step are zero (false: a finding). */
function mostComponentsMove(impl: StepImpl) {
  const cases = stepCaseArb.filter((c) => c.reading.granularity === 'all' && c.t > 0);
  return fc.property(cases, (c) => {
    const r = impl(c);
    const all = r.dq.flat();
    const zeros = all.filter((x) => x === 0).length;
    if (zeros > all.length / 2) throw new Error(`${zeros} of ${all.length} components of the applied step are zero at p = ${r.used[0]}`);
  });
}

describe('§7 the readings of B.2a: the Learner against Algorithm 1 spelled out', () => {
  it('§7 for every reading (the presets and any granularity × test × cap × mode × first-step rule), one step of the core Learner equals the spelled-out step: indices met and used, every component of Q_p(d), indices after B.2b', () => {
    holds(agreesWithSpelledOut(coreStep), RUNS * 2);
  });

  it('§7 the agreement property CATCHES a learner that reads tensor granularity as all', () => {
    const tensorCases = stepCaseArb.filter((c) => c.reading.granularity === 'tensor');
    expectCaught(findCounterexample('tensor read as all', agreesWithSpelledOut(wholeVectorStep, tensorCases)));
  });

  it('§7 the agreement property CATCHES the reference cap (p_max + 1) applied under the strict reading', () => {
    const strict = stepCaseArb.filter((c) => c.reading.cap === 'strict');
    expectCaught(findCounterexample('strict cap read as p ≤ p_max', agreesWithSpelledOut(offByOneCapStep, strict)));
  });

  it('§7 `qle step` answers what the Learner does: tensors, indices and raises for a crafted reference step (sum test, p_max + 1 cap)', () => {
    // a = [0.3, −0.3] rounds to ±k/Q at every p and sums to 0: the sum test raises it to p_max + 1.
    const input = { reading: 'reference' as const, schedule: { pmax: 4 }, t: 1, p: 3, tensors: [{ name: 'a', h: [0.3, -0.3] }, { name: 'b', h: [1e-3] }] };
    const out = oracleStep(input);
    expect(out.tensors.map((t) => t.p)).toEqual([5, 5]);
    expect(out.tensors[0].hq).toEqual([10 / 32, -10 / 32]);
    expect(out.tensors[1].hq).toEqual([0]);
    expect(out.raises).toEqual([{ tensor: 'a', from: 3, to: 5 }]);
    expect(out.p).toBe(5);
    // The paper's reading on the same step: a survives, so nothing is raised.
    const paper = oracleStep({ ...input, reading: 'paper' });
    expect(paper.raises).toEqual([]);
    expect(paper.tensors.map((t) => t.p)).toEqual([3, 3]);
    // At t = 0 the reference skips B.2a.
    expect(oracleStep({ ...input, t: 0 }).raises).toEqual([]);
  });
});

describe('§7 properties that tell the readings apart', () => {
  it('§7 tensor granularity: every tensor\'s applied step is non-zero unless its index reached the cap', () => {
    holds(tensorStepsSurvive(coreStep), RUNS);
  });

  it('§7 the tensor property CATCHES a learner that tests the whole step (granularity all)', () => {
    expectCaught(findCounterexample('tensor read as all', tensorStepsSurvive(wholeVectorStep)));
  });

  it('§7 under the all-zero test, B.2a raises p only on a step that is all zero at the index it met', () => {
    const allZero = stepCaseArb.filter((c) => c.reading.test === 'all-zero');
    holds(raisesOnlyOnVanishedSteps(coreStep, allZero), RUNS);
  });

  it('§7 FINDING: the reference\'s sum test raises p on a non-zero step whose components cancel (fast-check finds and shrinks one); the same property catches a learner with the sum test', () => {
    const found = findCounterexample('sum(dQ) == 0 as the vanishing test', raisesOnlyOnVanishedSteps(sumTestStep));
    expectCaught(found);
    const [c] = found.counterexample!;
    const r = sumTestStep(c);
    const raised = r.used.findIndex((p, i) => p !== r.met[i]);
    expect(raised).toBeGreaterThanOrEqual(0);
  });

  it('§7 FINDING: under granularity all, most components of a network\'s step can be exactly zero once a single component survives (fast-check finds and shrinks one)', () => {
    const found = findCounterexample('most components of an all-granularity step move', mostComponentsMove(coreStep));
    expectCaught(found);
    const [c] = found.counterexample!;
    const zeros = coreStep(c).dq.flat().filter((x) => x === 0).length;
    expect(zeros).toBeGreaterThan(c.steps.flat().length / 2);
  });
});

// ---------------------------------------------------------------------------------------------
// SPEC §6: T(t) and the scheduler's table against independent oracles.

/** T(t) = b^{2β/(t+2)}·C/ln(t+2), written as exp(2β·ln b/(t+2))·C/ln(t+2): the same value, other operations. */
function temperatureOracle(t: number, params: Pick<ScheduleParams, 'base' | 'beta' | 'C'>): number {
  return (Math.exp(((2 * params.beta) / (t + 2)) * Math.log(params.base)) * params.C) / Math.log1p(t + 1);
}

type Temperature = (t: number, params: ScheduleParams) => number;
const droppedFactorTwo: Temperature = (t, params) => params.base ** (params.beta / (t + 2)) * (params.C / Math.log(t + 2));

function temperatureProperty(T: Temperature) {
  return fc.property(scheduleParamsArb, fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 10 ** 9 })), (params, t) => {
    const expected = temperatureOracle(t, params);
    const found = T(t, params);
    if (!(Math.abs(found - expected) <= 1e-11 * expected)) throw new Error(`T(${t}) = ${found}, oracle ${expected}`);
  });
}

type TableImpl = (params: ScheduleParams, steps: number) => ScheduleTable;
/** Broken: p[t] = min(p_max, ⌈p_inf(t)⌉), forgetting the previous index (and p_0). */
const forgetfulTable: TableImpl = (params, steps) => {
  const table: ScheduleTable = { t: [], T: [], pInf: [], p: [] };
  for (let t = 0; t < steps; t++) {
    table.t.push(t);
    table.T.push(targetTemperature(t, params));
    table.pInf.push(infimumIndex(t, params));
    table.p.push(boundTarget(t, params));
  }
  return table;
};

/** p[t] = min(p_max, max(p[t−1], ⌈p_inf(t)⌉)), p[−1] = p_0, recomputed from the oracle T(t). */
function tableProperty(table: TableImpl) {
  const paramsArb = scheduleParamsArb.chain((params) => fc.integer({ min: params.p0, max: params.pMax }).map((p0) => ({ ...params, p0 })));
  return fc.property(paramsArb, fc.integer({ min: 1, max: 40 }), (params, steps) => {
    const found = table(params, steps);
    let p = params.p0;
    for (let t = 0; t < steps; t++) {
      const pInf = 0.5 * Math.log(params.kappa / (params.eta * params.eta * temperatureOracle(t, params))) / Math.log(params.base);
      // ⌈p_inf⌉ from the oracle; where p_inf sits within rounding of an integer k, k and k + 1 are both right.
      const k = Math.round(pInf);
      const ceilings = Math.abs(pInf - k) < 1e-9 ? [k, k + 1] : [Math.ceil(pInf)];
      const allowed = ceilings.map((c) => Math.min(params.pMax, Math.max(p, c)));
      if (!allowed.includes(found.p[t])) throw new Error(`t = ${t}: p = ${found.p[t]}, expected ${allowed.join(' or ')} (p[t−1] = ${p}, p_inf = ${pInf})`);
      p = found.p[t];
    }
  });
}

describe('§6 the target temperature and the index table against independent oracles', () => {
  it('§6 T(t) = b^{2β/(t+2)}·C/ln(t+2) equals exp(2β·ln b/(t+2))·C/ln(t+2) to a relative 1e-11 for any hyperparameters and t ≤ 10^9', () => {
    holds(temperatureProperty(targetTemperature), RUNS);
  });

  it('§6 the temperature oracle CATCHES b^{β/(t+2)} (the factor 2 dropped)', () => {
    expectCaught(findCounterexample('T(t) without the factor 2', temperatureProperty(droppedFactorTwo)));
  });

  it('§6 the SPEC anchors: T(0) = 1.5128, T(10) = 4.0562e−6, T(100) = 2.8375e−7 with the reference hyperparameters', () => {
    expect(targetTemperature(0, REFERENCE_SCHEDULE)).toBeCloseTo(1.5128, 4);
    expect(targetTemperature(10, REFERENCE_SCHEDULE) / 4.0562e-6).toBeCloseTo(1, 4);
    expect(targetTemperature(100, REFERENCE_SCHEDULE) / 2.8375e-7).toBeCloseTo(1, 4);
  });

  it('§6 scheduleTable (behind `qle schedule` and `qle vectors`): p[t] = min(p_max, max(p[t−1], ⌈p_inf(t)⌉)) from p[−1] = p_0, for any p_0 up to p_max', () => {
    holds(tableProperty(scheduleTable), RUNS);
  });

  it('§6 the table property CATCHES a table that drops the max with the previous index', () => {
    expectCaught(findCounterexample('scheduleTable without max(p[t−1], ·)', tableProperty(forgetfulTable)));
  });
});
