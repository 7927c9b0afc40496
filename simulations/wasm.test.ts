/**
 * The simulations on the wasm kernels (the default) against the JS definitions (QLE_WASM=0): the
 * built-in objectives' population gradients with the divergence guard, and whole cells of every
 * optimizer family on every built-in objective, must give the same bits.
 */
import { describe, expect, it } from 'vitest';
import { createObjective, OBJECTIVES } from '../src/core/objectives/index.ts';
import { createRng } from '../src/core/rng.ts';
import { withKernels } from '../src/wasm/kernels.ts';
import type { CellConfig } from './cell.ts';
import { problemHyper } from './hyper.ts';
import { Population, studySeeds } from './population.ts';
import { specFor } from './roster.ts';
import { runCell } from './runner.ts';

/** Every built-in objective at dimensions that cover the kernels' pair loops and tails. */
const PROBLEMS: { objective: string; dims: number }[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'rastrigin', dims: 5 },
  { objective: 'ackley', dims: 2 },
  { objective: 'ackley', dims: 3 },
  { objective: 'styblinski-tang', dims: 1 },
  { objective: 'styblinski-tang', dims: 4 },
  { objective: 'griewank', dims: 2 },
  { objective: 'griewank', dims: 7 },
  { objective: 'six-hump-camel', dims: 2 },
  { objective: 'double-well', dims: 1 },
];

describe('population gradients: wasm kernels = Objective.gradient + the JS guard, bit for bit', () => {
  it('covers every built-in objective', () => {
    expect(new Set(PROBLEMS.map((p) => p.objective))).toEqual(new Set(OBJECTIVES.keys()));
  });

  for (const { objective, dims } of PROBLEMS) {
    it(`${objective}, d = ${dims}: in and out of the box, huge, non-finite, frozen runs`, () => {
      const f = createObjective(objective, dims);
      const runs = 203;
      const seeds = studySeeds(3, 0, 0);
      const js = withKernels(false, () => new Population(f, runs, seeds));
      const wasm = withKernels(true, () => new Population(f, runs, seeds));
      const rng = createRng(dims * 31 + objective.length);
      const width = f.upper - f.lower;
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < runs * dims; i++) {
          const u = rng.uniform();
          // Mostly inside the box; some outside the widened box, huge, non-finite; and near the
          // points where the gradients' sin, cos and exp switch branches (integers, halves).
          const x =
            u < 0.7
              ? f.lower + rng.uniform() * width
              : u < 0.8
                ? Math.round(rng.normal() * 8) / 2
                : u < 0.9
                  ? f.lower - (rng.uniform() * 30 - 15) * width
                  : u < 0.95
                    ? rng.normal() * 1e200
                    : [Infinity, -Infinity, NaN, 0, -0][Math.floor(rng.uniform() * 5)];
          js.w[i] = x;
          wasm.w[i] = x;
        }
        // λ small enough that in-box steps pass the step guard, and one large enough to trip it.
        const lambda = round === 3 ? 50 : 2 ** -8;
        const gJs = js.gradient(lambda);
        const gWasm = wasm.gradient(lambda);
        for (let i = 0; i < runs * dims; i++) {
          if (!Object.is(gJs[i], gWasm[i])) throw new Error(`${objective} d=${dims} round ${round}, w = ${js.w[i]}: JS ${gJs[i]}, wasm ${gWasm[i]}`);
        }
        expect(Array.from(wasm.diverged)).toEqual(Array.from(js.diverged));
        expect(wasm.divergedCount).toBe(js.divergedCount);
        expect(wasm.evaluations).toBe(js.evaluations);
      }
      // The guard froze some runs and left others: both branches ran.
      expect(js.divergedCount).toBeGreaterThan(0);
      expect(js.divergedCount).toBeLessThan(runs);
    });
  }
});

describe('whole cells: wasm kernels = JS paths, bit for bit', () => {
  const OPTIMIZERS = ['gd', 'sgd', 'adam', 'qsgd-p8', 'qadam-p4', 'qsgd-ref', 'qtadam-lgv', 'qsgd-lgv-noise', 'langevin'];
  for (const problem of PROBLEMS.filter((p, i) => PROBLEMS.findIndex((q) => q.objective === p.objective) === i)) {
    it(`${problem.objective}, d = ${problem.dims}: ${OPTIMIZERS.join(', ')}`, () => {
      const hyper = problemHyper(problem);
      for (const optimizer of OPTIMIZERS) {
        const steps = 300;
        const cell: CellConfig = {
          study: 'wasm',
          index: 0,
          problemIndex: 0,
          problem,
          optimizer,
          spec: specFor(optimizer, { ...hyper, steps }),
          runs: 48,
          steps,
          seed: 11,
          delta: 0.1,
          epsilon: 0.01,
          targets: [10, 1, 0.1, 0.01],
          labels: {},
        };
        const js = withKernels(false, () => runCell(cell));
        const wasm = withKernels(true, () => runCell(cell));
        expect(wasm, `${problem.objective} ${optimizer}`).toEqual(js);
      }
    });
  }
});
