/** Issue 3 and 10, drivers: one budget, the same starts for every optimizer, quantized steps on their grids, metrics that can fail. */
import { describe, expect, it } from 'vitest';
import { createDoubleWell, createObjective, doubleWellCriticalPoints, DEFAULT_TILT } from '../src/core/objectives/index.ts';
import { Learner, vectorLayout, type QuantizationConfig } from '../src/core/learner.ts';
import { makeGrid, quantizeVector } from '../src/core/quantizer.ts';
import { READINGS } from '../src/core/reading.ts';
import { createRng } from '../src/core/rng.ts';
import { REFERENCE_SCHEDULE } from '../src/core/schedule.ts';
import type { CellConfig } from './cell.ts';
import { estimateBarrier, problemHyper } from './hyper.ts';
import { checkpointsFor } from './metrics.ts';
import { createOptimizer, type OptimizerSpec } from './optimizers/index.ts';
import { Population, studySeeds } from './population.ts';
import { CONTROL, NOISY_QUANTIZED, OPTIMIZER_NAMES, quantizesNoisyGradient, specFor, type SpecInputs } from './roster.ts';
import { runCell } from './runner.ts';
import { HORIZONS } from './studies/theorem.ts';

const problem = { objective: 'six-hump-camel', dims: 2 };

/** A roster spec that must be a quantized one (the noise field exists only there). */
function quantizedSpec(name: string, inputs: SpecInputs) {
  const spec = specFor(name, inputs);
  if (spec.kind !== 'proposed' && spec.kind !== 'fixed-quantized') throw new Error(`${name} is not a quantized optimizer`);
  return spec;
}

function population(cellIndex: number, runs = 16) {
  return new Population(createObjective(problem.objective, problem.dims), runs, studySeeds(5, 0, cellIndex));
}

describe('simulation drivers', () => {
  it('every optimizer spends exactly one evaluation per run per step', () => {
    const hyper = problemHyper(problem);
    for (const [i, name] of OPTIMIZER_NAMES.entries()) {
      const pop = population(i);
      const optimizer = createOptimizer(specFor(name, { ...hyper, steps: 50 }), pop);
      for (let t = 0; t < 50; t++) optimizer.step(t);
      expect(pop.evaluations, name).toBe(50);
    }
  });

  it('starts are shared by all optimizers on a problem (common random numbers) and differ across runs', () => {
    const a = population(0);
    const b = population(7);
    expect(a.w).toEqual(b.w);
    expect(a.w.subarray(0, 2)).not.toEqual(a.w.subarray(2, 4));
    const o = createObjective(problem.objective, problem.dims);
    for (const x of a.w) expect(x >= o.lower && x <= o.upper).toBe(true);
  });

  it('quantized optimizers start where every other optimizer starts (no snapping), and every applied step lies on the grid of the index it used', () => {
    const hyper = problemHyper(problem);
    const gdStart = population(1).w;
    for (const name of ['qsgd-p8', 'qsgd-lgv', 'qtadam-ref', ...NOISY_QUANTIZED]) {
      const pop = population(1);
      const optimizer = createOptimizer(specFor(name, { ...hyper, steps: 300 }), pop);
      expect(pop.w, name).toEqual(gdStart);
      const learner = optimizer.learner!;
      let offGrid = 0;
      let moved = 0;
      for (let t = 0; t < 300; t++) {
        const before = Float64Array.from(pop.w);
        optimizer.step(t);
        for (let r = 0; r < pop.runs; r++) {
          const grid = makeGrid(1, 2, learner.report.tensorIndex[r]);
          for (let i = 0; i < pop.dims; i++) {
            const dq = learner.quantizedStep[r * 2 + i];
            // On G_p: an integer multiple of the cell (binary grid: exact in floating point).
            if (!Number.isInteger(dq * grid.Q)) offGrid++;
            if (pop.w[r * 2 + i] !== before[r * 2 + i] + dq) offGrid++;
            if (dq !== 0) moved++;
          }
        }
      }
      expect(offGrid, name).toBe(0);
      expect(moved, name).toBeGreaterThan(0);
    }
  });

  it('the control (cells of 2^-30, exact gradient) ends every run in the same basin as GD from the same starts, and a coarse grid does not', () => {
    const base = {
      study: 't', index: 0, problemIndex: 0, problem: { objective: 'double-well', dims: 1 }, runs: 60, steps: 3000,
      seed: 9, delta: 0.1, epsilon: 0.01, targets: [0.01], labels: {},
    };
    const hyper = problemHyper(base.problem);
    const gd = runCell({ ...base, optimizer: 'gd', spec: specFor('gd', { ...hyper, steps: 3000 }) });
    const control = runCell({ ...base, index: 1, optimizer: CONTROL, spec: specFor(CONTROL, { ...hyper, steps: 3000 }) });
    expect(control.basin.horizons[0].basin).toBe(gd.basin.horizons[0].basin);
    expect(control.basin.start).toBe(gd.basin.start);
    // p = 0 (integer cells): steps of size < 1/2 vanish, the runs stay where they started, so some end elsewhere than GD's.
    const coarse = runCell({ ...base, index: 2, optimizer: 'p0', spec: { kind: 'fixed-quantized', direction: 'sgd', lambda: hyper.lambda, p: 0, mode: 'round' } });
    expect(coarse.basin.horizons[0].delta).not.toBe(gd.basin.horizons[0].delta);
  });

  it('the -noise optimizers are exactly the quantized specs with gradient noise, each with sgd\'s σ on the problem', () => {
    const hyper = problemHyper(problem);
    const inputs = { ...hyper, steps: 1000 };
    const sgd = specFor('sgd', inputs);
    expect(NOISY_QUANTIZED.length).toBeGreaterThan(0);
    expect(OPTIMIZER_NAMES.filter((name) => quantizesNoisyGradient(specFor(name, inputs)))).toEqual(NOISY_QUANTIZED);
    for (const name of NOISY_QUANTIZED) {
      const { noise, ...rest } = quantizedSpec(name, inputs);
      expect(sgd.kind === 'sgd' && noise === sgd.noise && noise > 0, name).toBe(true);
      // Apart from the noise, the spec is its noiseless namesake's.
      expect(rest, name).toEqual(specFor(name.replace('-noise', ''), inputs));
    }
  });

  it('gradient noise σ = 0 gives the noiseless quantized optimizer bit for bit, and σ > 0 does not', () => {
    const hyper = problemHyper(problem);
    for (const name of ['qsgd-p8-noise', 'qsgd-lgv-noise']) {
      const noisy = quantizedSpec(name, { ...hyper, steps: 200 });
      const trajectory = (spec: OptimizerSpec) => {
        const pop = population(3);
        const optimizer = createOptimizer(spec, pop);
        for (let t = 0; t < 200; t++) optimizer.step(t);
        return { w: Array.from(pop.w), p: Array.from(optimizer.learner!.scheduler!.indices) };
      };
      const plain = trajectory(specFor(name.replace('-noise', ''), { ...hyper, steps: 200 }));
      expect(trajectory({ ...noisy, noise: 0 }), name).toEqual(plain);
      expect(trajectory(noisy).w, name).not.toEqual(plain.w);
    }
  });

  it('a noisy quantized step is Q_p(−λ(∇f + σz)), z the run\'s own N(0, 1) draws: the first step by hand with the core quantizer', () => {
    const hyper = problemHyper(problem);
    const objective = createObjective(problem.objective, problem.dims);
    for (const name of ['qsgd-p8-noise', 'qsgd-lgv-noise']) {
      const spec = quantizedSpec(name, { ...hyper, steps: 1000 });
      const sigma = spec.noise!;
      const pop = population(4);
      const optimizer = createOptimizer(spec, pop);
      optimizer.step(0);
      // The index each run's step was quantized with (after B.2a, before B.2b's tick).
      const pStep = Array.from(optimizer.learner!.report.tensorIndex);

      const seeds = studySeeds(5, 0, 4);
      const start = population(4).w;
      let differsFromNoiseless = 0;
      for (let r = 0; r < pop.runs; r++) {
        // No snapping: w_0 is the shared start itself.
        const w0 = start.slice(r * 2, r * 2 + 2);
        const g = new Float64Array(2);
        objective.gradient(w0, 0, g, 0);
        const rng = createRng(seeds.noise(r));
        const noisy = Float64Array.from(g, (x) => -spec.lambda * (x + sigma * rng.normal()));
        const exact = Float64Array.from(g, (x) => -spec.lambda * x);
        const grid = makeGrid(1, 2, pStep[r]);
        const dq = quantizeVector(noisy, grid, 'round');
        for (let i = 0; i < 2; i++) expect(pop.w[r * 2 + i], `${name} run ${r}`).toBe(w0[i] + dq[i]);
        if (quantizeVector(exact, grid, 'round').some((x, i) => x !== dq[i])) differsFromNoiseless++;
      }
      // The noise moved the quantized steps: the comparison above is not the noiseless one.
      expect(differsFromNoiseless, name).toBeGreaterThan(pop.runs / 2);
    }
  });

  it('hit metrics see the difference between a converging and a non-moving optimizer', () => {
    const base = {
      study: 't', index: 0, problemIndex: 0, problem: { objective: 'double-well', dims: 1 }, runs: 40, steps: 2000,
      seed: 3, delta: 0.1, epsilon: 0.01, targets: [1, 0.01], labels: {},
    };
    const gd = runCell({ ...base, optimizer: 'gd', spec: { kind: 'gd', lambda: 2 ** -6 } });
    // From uniform starts on [−2, 2], GD ends in the global well for the starts left of the barrier top (≈ 0.06).
    expect(gd.final.hitsDelta).toBeGreaterThan(10);
    expect(gd.final.hitsDelta).toBeLessThan(30);
    expect(gd.final.hitsEpsilon).toBe(gd.final.hitsDelta);
    // λ so small that nothing moves: (almost) no start is within δ of −1.
    const frozen = runCell({ ...base, optimizer: 'gd', spec: { kind: 'gd', lambda: 1e-12 } });
    expect(frozen.final.hitsDelta).toBeLessThan(5);
    expect(frozen.targets[1].ert).toBeNull();
    expect(gd.targets[1].ert).toBeGreaterThan(0);
  });

  it('a population learner equals the same runs stepped one by one by single learners (the core fast path agrees with the per-run path)', () => {
    const runs = 24;
    const dims = 2;
    const quantization: QuantizationConfig = {
      reading: READINGS.paper,
      schedule: { ...REFERENCE_SCHEDULE, kappa: 1, C: 1e-3, p0: 0, pMax: 12 },
      b2a: true,
      b2b: true,
      clock: 'step',
      weightsOnGrid: false,
    };
    const rng = createRng(11);
    const make = (n: number) => new Learner({ direction: 'sgd', learningRate: 2 ** -4, quantization, tensors: vectorLayout(dims), runs: n });
    const population = make(runs);
    const single = Array.from({ length: runs }, () => make(1));
    const w = new Float64Array(runs * dims);
    const wSingle = Array.from({ length: runs }, () => new Float64Array(dims));
    const h = new Float64Array(runs * dims);
    for (let t = 0; t < 400; t++) {
      // Directions from tiny (vanishing at every index) to large, sometimes shared by all runs.
      const scale = 10 ** (-12 + 12 * rng.uniform());
      const shared = rng.uniform() < 0.3;
      for (let i = 0; i < h.length; i++) h[i] = shared && i >= dims ? h[i % dims] : scale * rng.normal();
      const before = Float64Array.from(w);
      population.step(w, h);
      // Eq. 5 against the quantizer itself: w gained Q_p(−λh) at the index the step was quantized with.
      for (let r = 0; r < runs; r++) {
        const d = Float64Array.from(h.subarray(r * dims, (r + 1) * dims), (x) => -(2 ** -4) * x);
        const expected = quantizeVector(d, makeGrid(1, 2, population.report.tensorIndex[r]), 'round');
        for (let i = 0; i < dims; i++) expect(w[r * dims + i]).toBe(before[r * dims + i] + expected[i]);
        const atStart = quantizeVector(d, makeGrid(1, 2, population.report.tensorStartIndex[r]), 'round');
        expect(population.report.vanished[r]).toBe(atStart.every((x) => x === 0) ? 1 : 0);
      }
      for (let r = 0; r < runs; r++) {
        single[r].step(wSingle[r], h.slice(r * dims, (r + 1) * dims));
        expect(Array.from(wSingle[r])).toEqual(Array.from(w.subarray(r * dims, (r + 1) * dims)));
        expect(single[r].scheduler!.index(0)).toBe(population.scheduler!.index(r));
        expect(single[r].report.vanished[0]).toBe(population.report.vanished[r]);
      }
    }
  });

  it('starts lie in the cell\'s start box when it has one (the theorem study\'s shallow starts)', () => {
    const top = doubleWellCriticalPoints(DEFAULT_TILT)[1];
    const pop = new Population(createDoubleWell(), 200, studySeeds(3, 0, 0), [top, 2]);
    for (const x of pop.w) expect(x > top && x <= 2).toBe(true);
  });

  it('basin bookkeeping: first passage (every step) is consistent with occupancy at checkpoints and with the start basin; quench and closed form agree', () => {
    const base: CellConfig = {
      study: 't', index: 0, problemIndex: 0, problem: { objective: 'double-well', dims: 1 }, runs: 50, steps: 3000,
      seed: 4, delta: 0.1, epsilon: 0.01, targets: [0.01], labels: {}, horizons: [100, 3000],
      optimizer: 'langevin', spec: { kind: 'langevin', lambda: 2 ** -6, c: 1.5 },
    };
    const result = runCell(base);
    const { basin } = result;
    expect(basin.decidedBy).toBe('closed-form');
    // A run in the global basin at a checkpoint has entered it by then.
    result.checkpoints.forEach((t, i) => {
      const entered = basin.firstPassage!.filter((f) => f !== null && f <= t).length;
      expect(basin.series![i]).toBeLessThanOrEqual(entered);
    });
    // Started in the basin ⇔ first passage 0.
    basin.firstPassage!.forEach((f, r) => expect(f === 0).toBe(basin.start[r] === '1'));
    // Indicators at the horizons match the counted series at the same checkpoints.
    for (const h of basin.horizons) {
      const i = result.checkpoints.indexOf(h.t);
      expect(h.basin.split('').filter((c) => c === '1').length).toBe(basin.series![i]);
      expect(h.delta.split('').filter((c) => c === '1').length).toBe(result.seriesDelta[i]);
    }
    expect(basin.firstPassage!.some((f) => f !== null && f > 0)).toBe(true);
  });

  it('the barrier rule recovers the double well\'s analytic Δ from the objective alone (rays from quenched minima)', () => {
    const well = createDoubleWell();
    const { globalBasin: _closedForm, barrier: _analytic, ...plain } = well;
    expect(estimateBarrier(plain)).toBeCloseTo(well.barrier!, 3);
  });

  it('the theorem study horizons are checkpoints of a 10^5-step run', () => {
    const points = checkpointsFor(100_000);
    for (const h of HORIZONS) expect(points).toContain(h);
  });
});
