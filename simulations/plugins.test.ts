/**
 * Issue 13, plug-ins: a formula objective agrees with the hand-written double well (value,
 * gradient, minimiser found numerically), module plug-ins (examples/plugins/) run in a report on
 * worker threads and in-process with the same numbers, and bad plug-ins are one-line ReportRequestErrors.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDoubleWell, DEFAULT_TILT } from '../src/core/objectives/index.ts';
import { createExpressionObjective, parseExpression } from '../src/core/objectives/expression.ts';
import { ReportRequestError } from './request-error.ts';
import { SEED } from '../properties/config.ts';
import { runReport } from './report.ts';
import { tempDir } from './test-helpers.ts';

const EXAMPLES = join(import.meta.dirname, '..', 'examples', 'plugins');
const DOUBLE_WELL = `(x^2 - 1)^2 + ${DEFAULT_TILT}*x`;

describe('--objective EXPR (mathjs)', () => {
  const formula = createExpressionObjective(DOUBLE_WELL, { lower: -2, upper: 2 });
  const hand = createDoubleWell();

  it('value and symbolic gradient agree with the hand-written double well', () => {
    const g1 = new Float64Array(1);
    const g2 = new Float64Array(1);
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), (x) => {
        const w = Float64Array.of(x);
        formula.gradient(w, 0, g1, 0);
        hand.gradient(w, 0, g2, 0);
        const scale = Math.max(1, Math.abs(x) ** 4);
        return Math.abs(formula.value(w, 0) - hand.value(w, 0)) <= 1e-12 * scale && Math.abs(g1[0] - g2[0]) <= 1e-12 * scale;
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('its minimiser, found numerically, is the analytic one; f* agrees; the report method says how', () => {
    expect(formula.minimisers).toHaveLength(1);
    expect(formula.minimisers[0][0]).toBeCloseTo(hand.minimisers[0][0], 12);
    expect(formula.minimum).toBeCloseTo(hand.minimum, 14);
    expect(formula.search?.method).toMatch(/^found numerically, not proven global: damped Newton .* 2 distinct local minima/);
  });

  it('x1 … xd: Himmelblau has four global minimisers, all found', () => {
    const himmelblau = createExpressionObjective('(x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2', { lower: -5, upper: 5 });
    expect(himmelblau.dims).toBe(2);
    expect(himmelblau.minimisers).toHaveLength(4);
    expect(himmelblau.minimisers.some((m) => Math.abs(m[0] - 3) < 1e-9 && Math.abs(m[1] - 2) < 1e-9)).toBe(true);
    expect(himmelblau.minimum).toBeLessThan(1e-20);
  });

  it.each([
    ['', /it is empty/],
    ['y^2', /unknown symbol y/],
    ['x + x1', /either x .* or x1/],
    ['3', /uses no variable/],
    ['foo(x)', /unknown function foo/],
    ['x == 1', /operator == is not allowed/],
    ['[x, 1]', /array expressions are not allowed/],
    ['x +', /objective "x \+"/],
  ])('%j is refused in one line', (expression, message) => {
    expect(() => parseExpression(expression)).toThrow(message);
  });
});

describe('plug-ins in a report', () => {
  const request = {
    studies: ['headline'],
    runs: 6,
    steps: 200,
    objectives: ['himmelblau', 'double-well'],
    optimizers: ['gd', 'heavy-ball'],
    objectiveModule: join(EXAMPLES, 'objective.ts'),
    optimizerModule: join(EXAMPLES, 'optimizer.ts'),
    figures: false,
  };

  it('module objective and optimizer run on worker threads with the numbers of the in-process run, and the report names them', async () => {
    const [a, b] = [tempDir('plugin-w0'), tempDir('plugin-w1')];
    const inProcess = await runReport({ ...request, workers: 0, outDir: a, cacheDir: null });
    const onWorker = await runReport({ ...request, workers: 1, outDir: b, cacheDir: null });
    expect(inProcess[0].cells).toBe(4);
    expect(onWorker[0].execution.results).toEqual(inProcess[0].execution.results);
    const cells = JSON.parse(readFileSync(join(b, 'headline', 'results.json'), 'utf8')).cells as { config: { optimizer: string; problem: { objective: string } } }[];
    expect(cells.map((c) => `${c.config.optimizer}@${c.config.problem.objective}`).sort()).toEqual(
      ['gd@double-well', 'gd@himmelblau', 'heavy-ball@double-well', 'heavy-ball@himmelblau'],
    );
    const report = readFileSync(join(b, 'headline', 'report.md'), 'utf8');
    expect(report).toMatch(/Objective `himmelblau` \(d = 2\) from the module .*objective\.ts/);
    expect(report).toMatch(/Optimizer `heavy-ball` from the module .*optimizer\.ts/);
  });

  it('a formula objective reaches the worker threads and the report says its minimisers were found numerically', async () => {
    const out = tempDir('plugin-expr');
    const runs = await runReport({
      studies: ['headline'], runs: 6, steps: 100, objective: DOUBLE_WELL, objectiveBox: [-2, 2], objectives: ['expression'],
      optimizers: ['gd', 'sa'], workers: 1, outDir: out, cacheDir: null, figures: false,
    });
    expect(runs[0].cells).toBe(2);
    expect(readFileSync(join(out, 'headline', 'report.md'), 'utf8')).toMatch(/f = `\(x\^2 - 1\)\^2 \+ 0\.25\*x`.*found numerically, not proven global/);
  });

  it.each([
    [{ objectiveModule: 'missing.ts' }, /^--objective-module missing\.ts cannot be read: no such file/],
    [{ optimizerModule: join(EXAMPLES, 'objective.ts') }, /^--optimizer-module .*objective\.ts: /],
    [{ objectiveModule: join(EXAMPLES, 'optimizer.ts') }, /--objective-module .*optimizer\.ts: objective heavy-ball has no create\(dims\)|dimensions must be/],
    [{ objective: 'x^2', objectiveModule: join(EXAMPLES, 'objective.ts') }, /use --objective or --objective-module, not both/],
    [{ objective: 'sin(y)' }, /^--objective: objective "sin\(y\)": unknown symbol y/],
    [{ objectiveModule: join(EXAMPLES, 'objective.ts'), objectiveDims: [3] }, /himmelblau is defined for d in \{2\}, got d = 3/],
  ])('bad plug-in %j: one-line ReportRequestError before any work', async (plugin, message) => {
    const out = tempDir('plugin-bad');
    const error = await runReport({ studies: ['headline'], runs: 2, steps: 10, outDir: out, cacheDir: null, figures: false, ...plugin }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportRequestError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('an objective module whose minimum is wrong is refused', async () => {
    const dir = tempDir('plugin-wrong');
    const source = readFileSync(join(EXAMPLES, 'objective.ts'), 'utf8')
      .replace("from '../../src/", `from '${join(import.meta.dirname, '..', 'src')}/`)
      .replace('minimum: 0,', 'minimum: -1,');
    writeFileSync(join(dir, 'wrong.ts'), source);
    const error = await runReport({ studies: ['headline'], runs: 2, steps: 10, outDir: dir, cacheDir: null, objectiveModule: join(dir, 'wrong.ts') }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/f at minimiser \[3, 2\] is 0, not the stated minimum -1/);
  });
});
