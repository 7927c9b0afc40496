/** The grid of a sweep and its shards: seed-major order, and N shards partition the grid. */
import { READINGS } from '../../src/core/reading.ts';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { cellName, commandFor, gridCells, reusedMarker, runSweep, type SweepPlan } from '../../src/tfjs/sweep.ts';
import type { EpochRecord } from '../../src/tfjs/train.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { renderReport } from '../../src/tfjs/report.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** A finished epoch record, as a log line of a committed report holds it. */
function record(epoch: number, testAccuracy: number): EpochRecord {
  return {
    epoch, loss: 2.1, trainAccuracy: 0.2, testAccuracy, p: null, pMaxTensor: null, Q: null, t: null, vanishingFraction: null,
    raises: null, zeroUpdateFraction: null, diverged: false, steps: 4, seconds: 1, imagesPerSecond: 512,
  } as EpochRecord;
}

describe('a sweep resumed from committed reports (a fresh machine: empty runs directory)', () => {
  /** reports/<run>/ as `qle cifar10` commits it: the manifest and one log per cell. */
  function commitReport(parent: string, committed: SweepPlan, accuracy: (cell: string) => number): void {
    const dir = join(parent, committed.run);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...committed, backend: 'cpu', createdAt: '2026-11-27T00:00:00.000Z' }));
    for (const { optimizer, lr, seed } of gridCells(committed)) {
      const name = cellName(optimizer, lr, seed);
      writeFileSync(join(dir, 'logs', `${name}.jsonl`), `${JSON.stringify(record(1, accuracy(name)))}\n`);
    }
  }
  const small: SweepPlan = { ...plan, optimizers: ['sgd', 'qsgd'], lrs: [2 ** -6], seeds: [1] };
  const noTraining = { onStep: () => { throw new Error('a cell trained instead of being reused'); } };

  it('takes its own finished runs from its own committed report, and decodes no image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-sweep-reuse-'));
    try {
      commitReport(join(dir, 'reports'), small, (name) => (name.startsWith('sgd') ? 0.31 : 0.27));
      // An empty data directory: loading CIFAR-10 would fetch it; reuse must not need it.
      writeFileSync(join(dir, 'reports', small.run, 'results.json'), JSON.stringify({ wallSeconds: 600 }));
      // Resumed on another backend: the run keeps the identity its committed report gives it.
      const results = await runSweep(small, 'wasm', join(dir, 'runs'), join(dir, 'no-data'), { ...noTraining, reportParent: join(dir, 'reports') });
      expect(results.map((r) => [r.optimizer, r.history[0].testAccuracy])).toEqual([['sgd', 0.31], ['qsgd', 0.27]]);
      expect(existsSync(join(dir, 'no-data', 'train-images.u8'))).toBe(false);
      for (const r of results) expect(existsSync(reusedMarker(join(dir, 'runs', small.run), cellName(r.optimizer, r.lr, r.seed)))).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'runs', small.run, 'manifest.json'), 'utf8'));
      expect([manifest.backend, manifest.backends, manifest.createdAt]).toEqual(['cpu', undefined, '2026-11-27T00:00:00.000Z']);
      // Re-rendered: the committed wall time stands, and its own runs are not "copied from" another run.
      const report = readFileSync(join(await renderReport(join(dir, 'runs'), small.run, join(dir, 'reports')), 'report.md'), 'utf8');
      expect(report).toMatch(/tfjs backend `cpu`.*, 10\.0 min wall-clock from start to the last log\.\n/);
      expect(report).not.toMatch(/copied from run/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--reuse takes only the cells whose configuration is identical (the baselines), from the other run\'s committed report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-sweep-reuse-'));
    try {
      commitReport(join(dir, 'reports'), small, () => 0.3);
      const variant: SweepPlan = { ...small, run: 'variant', optimizers: ['sgd'], reuseFrom: small.run };
      const results = await runSweep(variant, 'cpu', join(dir, 'runs'), join(dir, 'no-data'), { ...noTraining, reportParent: join(dir, 'reports') });
      expect(results.map((r) => r.history[0].testAccuracy)).toEqual([0.3]);
      // A quantized cell of another reading is not the same configuration: it goes to train, and the first thing
      // training does is decode the images (here a data "directory" that is a file, so it fails at once).
      const other: SweepPlan = { ...small, run: 'other', optimizers: ['qsgd'], reuseFrom: small.run, quantization: { ...small.quantization, reading: READINGS.tensor } };
      const notADirectory = join(dir, 'data-file');
      writeFileSync(notADirectory, '');
      await expect(runSweep(other, 'cpu', join(dir, 'runs'), notADirectory, { ...noTraining, reportParent: join(dir, 'reports') })).rejects.toThrow(/data-file/);
      expect(existsSync(reusedMarker(join(dir, 'runs', 'other'), cellName('qsgd', 2 ** -6, 1)))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
