/**
 * The conformance kit (qle/conformance) as a user meets it: implementations written against its
 * public interface only. qle's own core conforms; each deliberately wrong implementation is caught
 * with a shrunk counterexample in the report, and nothing is printed.
 */
import { describe, expect, it } from 'vitest';
import {
  checkConformance,
  assertConformance,
  formatConformance,
  listProperties,
  type Implementation,
  type LearnerImplementation,
  type SchedulerImplementation,
} from '../../src/conformance/index.ts';
import { Learner, vectorLayout } from '../../src/core/learner.ts';
import { AdamDirection } from '../../src/core/learning.ts';
import { gridIndex, makeGrid, quantize } from '../../src/core/quantizer.ts';
import { READINGS } from '../../src/core/reading.ts';
import { boundedIndex, infimumIndex } from '../../src/core/schedule.ts';

const RUNS = 40;

/** The core, reached only through the kit's interfaces, as a user's own code would be. */
const coreScheduler: SchedulerImplementation = (params) => {
  let p = params.p0;
  return {
    get p() {
      return p;
    },
    boundAt(t) {
      p = boundedIndex(p, t, params);
    },
  };
};

const coreLearner: LearnerImplementation = ({ params, switches, mode, lambda, dims }) => {
  const learner = new Learner({
    direction: 'sgd',
    learningRate: lambda,
    quantization: {
      reading: { ...READINGS.paper, mode },
      schedule: params,
      b2a: switches.avoidVanishing,
      b2b: switches.bound,
      clock: 'step',
      weightsOnGrid: true,
    },
    tensors: vectorLayout(dims),
  });
  return {
    get p() {
      return learner.scheduler!.index(0);
    },
    step: (w, h) => learner.step(w, h).tensorIndex[0],
  };
};

const core: Implementation = {
  name: 'qle core',
  quantizer: {
    quantize: (x, g, mode) => quantize(x, makeGrid(g.eta, g.base, g.p), mode),
    index: (x, g, mode) => gridIndex(x, makeGrid(g.eta, g.base, g.p), mode),
  },
  scheduler: coreScheduler,
  learner: coreLearner,
  adam: (size, hyper) => new AdamDirection(size, hyper),
};

const failedIds = (impl: Implementation, only?: string[]) =>
  checkConformance(impl, { numRuns: RUNS, only })
    .results.filter((r) => !r.passed)
    .map((r) => r.id);

describe('qle/conformance', () => {
  it('the core, through the public interfaces, conforms to every property the kit has', () => {
    const report = assertConformance(core, { numRuns: RUNS });
    expect(report.skipped).toEqual([]);
    expect(report.results.map((r) => r.id).sort()).toEqual(
      listProperties()
        .map((p) => p.id)
        .sort(),
    );
    expect(report.results.every((r) => r.passed && r.numRuns > 0)).toBe(true);
  });

  it('a quantizer without its grid integer is checked against the exact k (the core again, quantize only)', () => {
    const report = checkConformance({ quantizer: { quantize: core.quantizer!.quantize } }, { numRuns: RUNS });
    expect(report.passed).toBe(true);
  });

  it('CATCHES the naive Math.floor(Q*x)/Q next to cell boundaries, with a shrunk counterexample, and skips the range it does not claim', () => {
    const naive: Implementation = {
      name: 'naive',
      quantizer: {
        quantize: (x, g, mode) => (mode === 'floor' ? Math.floor(g.Q * x) : Math.floor(g.Q * x + 0.5)) / g.Q,
        outOfRange: 'unchecked',
      },
    };
    const report = checkConformance(naive, { numRuns: 200 });
    const boundaries = report.results.find((r) => r.id === 'quantizer.floor-cell-boundaries')!;
    expect(boundaries.passed).toBe(false);
    expect(boundaries.counterexample).toHaveLength(1);
    const [c] = boundaries.counterexample as [{ eta: number; base: number; p: number; x: number }];
    expect(Number.isFinite(c.x)).toBe(true);
    expect(boundaries.error).toMatch(/expected/);
    expect(report.skipped).toEqual([{ id: 'quantizer.range', reason: 'outOfRange is unchecked' }]);
    expect(formatConformance(report)).toContain('FAIL quantizer.floor-cell-boundaries');
  });

  it('CATCHES a learner that does not quantize the step (iterates leave the grid)', () => {
    const plain: LearnerImplementation = ({ params, lambda }) => ({
      p: params.p0,
      step(w, h) {
        for (let i = 0; i < w.length; i++) w[i] -= lambda * h[i];
        return params.p0;
      },
    });
    expect(failedIds({ learner: plain }, ['learner.on-grid'])).toEqual(['learner.on-grid']);
  });

  it('CATCHES a scheduler that rounds p_inf down (noise above T(t))', () => {
    const floorBound: SchedulerImplementation = (params) => {
      let p = params.p0;
      return {
        get p() {
          return p;
        },
        boundAt(t) {
          p = Math.max(p, Math.min(params.pMax, Math.floor(infimumIndex(t, params))));
        },
      };
    };
    expect(failedIds({ scheduler: floorBound })).toContain('scheduler.sup-inf');
  });

  it('CATCHES ADAM without bias correction', () => {
    const uncorrected: Implementation['adam'] = (size, { beta1, beta2, eps }) => {
      const m = new Float64Array(size);
      const v = new Float64Array(size);
      return {
        compute(g, out) {
          for (let i = 0; i < size; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            out[i] = m[i] / (Math.sqrt(v[i]) + eps);
          }
        },
      };
    };
    expect(failedIds({ adam: uncorrected })).toEqual(['adam.closed-form']);
  });

  it('runs only what an implementation supports, and refuses unknown ids and empty implementations', () => {
    const roundOnly = checkConformance({ quantizer: core.quantizer, modes: ['round'], grids: 'binary' }, { numRuns: 10 });
    expect(roundOnly.skipped.map((s) => s.id).sort()).toEqual(['quantizer.floor-bound', 'quantizer.floor-cell-boundaries', 'quantizer.floor-idempotent']);
    expect(roundOnly.passed).toBe(true);
    expect(() => checkConformance(core, { only: ['quantizer.nope'] })).toThrow(/unknown property id "quantizer.nope"/);
    expect(() => checkConformance({})).toThrow(/none of quantizer/);
  });
});
