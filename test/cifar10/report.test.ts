/**
 * The report's numbers and sentences come from the logs: summaries (mean ± sample sd of the final
 * epoch, unfinished runs left out), the 2-standard-error verdicts, the sign comparison with the
 * paper, the zero-update and annealing diagnostics. Synthetic histories, no training.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUANTIZATION } from '../../src/tfjs/names.ts';
import { ADAM_DEFAULTS } from '../../src/core/learning.ts';
import { loadPaperTable1 } from '../../src/tfjs/paper-table1.ts';
import { findings, summarizeCells } from '../../src/tfjs/report.ts';
import type { CellResult, Manifest } from '../../src/tfjs/sweep.ts';
import type { EpochRecord } from '../../src/tfjs/train.ts';
import type { OptimizerName } from '../../src/tfjs/names.ts';

const manifest: Manifest = {
  run: 'synthetic',
  model: 'mlp',
  optimizers: ['adam', 'qtadam', 'sgd', 'qsgd'],
  lrs: [2 ** -6],
  seeds: [1, 2, 3],
  epochs: 2,
  batch: 128,
  trainSubset: 1024,
  testSubset: 500,
  shuffle: false,
  quantization: DEFAULT_QUANTIZATION,
  adam: ADAM_DEFAULTS,
  backend: 'cpu',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function record(epoch: number, test: number, quantized: boolean, extra: Partial<EpochRecord> = {}): EpochRecord {
  return {
    epoch, loss: 1, trainAccuracy: test + 0.05, testAccuracy: test,
    p: quantized ? 8 : null, pMaxTensor: quantized ? 8 : null, Q: quantized ? 256 : null, t: quantized ? epoch : null,
    vanishingFraction: quantized ? 0 : null, raises: quantized ? 0 : null, zeroUpdateFraction: quantized ? 0.1 : null,
    diverged: false, steps: 8, seconds: 1, imagesPerSecond: 1024, ...extra,
  };
}

function cells(tests: Record<OptimizerName, number[]>, extra: Partial<EpochRecord> = {}): CellResult[] {
  return (Object.keys(tests) as OptimizerName[]).flatMap((optimizer) =>
    tests[optimizer].map((test, i) => {
      const quantized = optimizer.startsWith('q');
      return { optimizer, lr: 2 ** -6, seed: i + 1, history: [record(1, test / 2, quantized), record(2, test, quantized, quantized ? extra : {})] };
    }),
  );
}

describe('cifar10 report', () => {
  const paper = loadPaperTable1();

  it('summaries: final-epoch mean ± sample sd in percent; unfinished runs are left out', () => {
    const c = cells({ adam: [0.3, 0.32, 0.34], qtadam: [0.3, 0.3, 0.3], sgd: [0.2, 0.2, 0.2], qsgd: [0.1, 0.1, 0.1] });
    c.push({ optimizer: 'adam', lr: 2 ** -6, seed: 4, history: [record(1, 0.9, false)] });
    const adam = summarizeCells(manifest, c).find((s) => s.optimizer === 'adam')!;
    expect(adam.finishedRuns).toBe(3);
    expect(adam.test.mean).toBeCloseTo(32, 10);
    expect(adam.test.sd).toBeCloseTo(2, 10);
  });

  it('verdicts: beyond 2 standard errors is "lower", within is "indistinguishable"; the sign is compared with the paper', () => {
    const c = cells({ adam: [0.3, 0.31, 0.29], qtadam: [0.3, 0.32, 0.28], sgd: [0.3, 0.31, 0.29], qsgd: [0.1, 0.11, 0.09] });
    const { shows } = findings(manifest, summarizeCells(manifest, c), paper);
    const text = shows.join('\n');
    expect(text).toMatch(/QtADAM − ADAM = \+0\.00 points .* indistinguishable/);
    expect(text).toMatch(/QSGD − SGD = -20\.00 points .* lower \(by more than 2 standard errors\); paper: \+0\.68/);
    expect(text).toMatch(/QSGD − SGD is -20\.00 points .* the sign disagrees with the paper, and the difference here is larger than 2 standard errors/);
  });

  it('diagnostics: most updates zero and an index past the annealing bound are reported', () => {
    const c = cells({ adam: [0.3, 0.3, 0.3], qtadam: [0.3, 0.3, 0.3], sgd: [0.3, 0.3, 0.3], qsgd: [0.1, 0.1, 0.1] }, { zeroUpdateFraction: 0.99, p: 20, pMaxTensor: 20 });
    const summaries = summarizeCells(manifest, c);
    const qsgd = summaries.find((s) => s.optimizer === 'qsgd')!;
    expect(qsgd.annealingMargin!.every((m) => m < 1)).toBe(true);
    const text = findings(manifest, summaries, paper).shows.join('\n');
    expect(text).toMatch(/QSGD quantized .* of its per-weight updates to exactly zero/);
    expect(text).toMatch(/QSGD: B\.2a pushed the index past the annealing bound/);
    // With p = 8 at t = 1 the margin holds and nothing is reported.
    const calm = findings(manifest, summarizeCells(manifest, cells({ adam: [0.3], qtadam: [0.3], sgd: [0.3], qsgd: [0.3] })), paper).shows.join('\n');
    expect(calm).not.toMatch(/annealing bound/);
  });
});
