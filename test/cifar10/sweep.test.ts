/** The grid of a sweep and its shards: seed-major order, and N shards partition the grid. */
import { READINGS } from '../../src/core/reading.ts';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { commandFor, gridCells, type SweepPlan } from '../../src/tfjs/sweep.ts';
import { planFrom, register } from '../../src/cli/commands/cifar10.ts';
import { DEFAULT_QUANTIZATION } from '../../src/tfjs/names.ts';
import { ADAM_DEFAULTS } from '../../src/core/learning.ts';

const plan: SweepPlan = {
  run: 'grid', model: 'mlp', optimizers: ['adam', 'qtadam', 'sgd', 'qsgd'], lrs: [2 ** -2, 2 ** -6, 2 ** -10], seeds: [1, 2, 3],
  epochs: 1, batch: 128, trainSubset: 512, testSubset: 100, shuffle: false, quantization: DEFAULT_QUANTIZATION, adam: ADAM_DEFAULTS,
};
const key = (c: { optimizer: string; lr: number; seed: number }) => `${c.optimizer}/${c.lr}/${c.seed}`;

describe('sweep grid', () => {
  it('is seed-major: every cell gets seed 1 before any gets seed 2', () => {
    const seeds = gridCells(plan).map((c) => c.seed);
    expect(seeds).toEqual([...seeds].sort((a, b) => a - b));
    expect(new Set(gridCells(plan).map(key)).size).toBe(36);
  });

  it('N shards are disjoint, cover the grid, and differ in size by at most one', () => {
    const whole = gridCells(plan).map(key);
    for (let count = 1; count <= 7; count++) {
      const parts = Array.from({ length: count }, (_, i) => gridCells(plan, { index: i + 1, count }).map(key));
      expect(parts.flat().sort()).toEqual([...whole].sort());
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

/** The plan `qle cifar10 ARGS` would run, without training anything. */
async function planOf(command: string): Promise<SweepPlan> {
  const program = new Command().exitOverride();
  register(program);
  let plan: SweepPlan | undefined;
  program.commands.find((c) => c.name() === 'cifar10')!.action((options) => {
    plan = planFrom(options);
  });
  await program.parseAsync(command.replace(/^npm run -s qle -- /, '').split(' '), { from: 'user' });
  return plan!;
}

describe('the command a report prints', () => {
  const variants: SweepPlan[] = [
    plan,
    { ...plan, run: 'variant', seeds: [5, 6], batch: 64, shuffle: true, lrs: [2 ** -3, 0.01], optimizers: ['qsgd'], adam: { ...plan.adam, eps: 1e-6 }, reuseFrom: 'grid',
      quantization: { ...plan.quantization, reading: { ...READINGS['per-tensor'], mode: 'floor' }, kappa: 'langevin', timeUnit: 'step', switches: { avoidVanishing: false, bound: false }, schedule: { ...plan.quantization.schedule, p0: 2, pMax: 20 } } },
    { ...plan, run: 'reference', quantization: { ...plan.quantization, reading: READINGS.reference, timeUnit: 'step', switches: { avoidVanishing: true, bound: false } } },
  ];
  for (const [i, original] of variants.entries()) {
    it(`reproduces the plan exactly (variant ${i})`, async () => {
      expect(await planOf(commandFor(original))).toEqual(original);
    });
  }
});
