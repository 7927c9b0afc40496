/**
 * The report's numbers and sentences come from the logs: summaries (mean ± sample sd of the final
 * epoch, unfinished runs left out), the paired verdicts over shared seeds (Student-t with the
 * actual degrees of freedom), the sign comparison with the paper, the zero-update and annealing diagnostics. Synthetic histories, no training.
 */
import { describe, expect, it } from 'vitest';
import { loadPaperTable1 } from '../../src/tfjs/paper-table1.ts';
import { pairedComparisons } from '../../src/tfjs/paired.ts';
import { findings, summarizeCells } from '../../src/tfjs/report.ts';
import type { CellResult } from '../../src/tfjs/sweep.ts';
import { syntheticManifest } from './synthetic.ts';
import type { EpochRecord } from '../../src/tfjs/train.ts';
import type { OptimizerName } from '../../src/tfjs/names.ts';

const manifest = syntheticManifest();

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

  const report = (c: CellResult[]) => findings(manifest, summarizeCells(manifest, c), paper, pairedComparisons(manifest, c)).shows.join('\n');

  it('verdicts: paired differences over shared seeds with t_{0.975, 2} = 4.30; the sign is compared with the paper', () => {
    // QtADAM − ADAM per seed: 0, +1, −1 points; QSGD − SGD: −20, −19.5, −20.5 (t = 69.3, p = 1 − t/√(2 + t²) ≈ 2e−4).
    const c = cells({ adam: [0.3, 0.31, 0.29], qtadam: [0.3, 0.32, 0.28], sgd: [0.3, 0.31, 0.29], qsgd: [0.1, 0.115, 0.085] });
    const text = report(c);
    expect(text).toMatch(/QtADAM − ADAM = \+0\.00 points \[-2\.48, \+2\.48\] over 3 shared seeds \(t_2 = 4\.30, p_Holm 1\.0\): indistinguishable/);
    expect(text).toMatch(/QSGD − SGD = -20\.00 points .* \(t_2 = 4\.30, p_Holm 0\.00021\): lower; paper: \+0\.68/);
    expect(text).toMatch(/QSGD − SGD is -20\.00 points .* the sign disagrees with the paper, and the difference here is significant \(lower\)/);
  });

  it('pairing: a small shift shared by every seed is "higher" although the seeds\' spread hides it from an unpaired comparison; pairs follow the seed, not the order', () => {
    // Per seed +1, +1.2, +0.8 points on a spread of 10 points across seeds: t = 8.66, p = 1 − 8.66/√77 ≈ 0.013.
    const c = cells({ adam: [0.3, 0.4, 0.5], qtadam: [0.31, 0.412, 0.508], sgd: [0.3, 0.3, 0.3], qsgd: [0.3, 0.3, 0.3] });
    expect(report(c)).toMatch(/QtADAM − ADAM = \+1\.00 points .* \(t_2 = 4\.30, p_Holm 0\.013\): higher/);
    // The same runs listed in another order give the same comparison.
    const shuffled = [...c].reverse();
    expect(pairedComparisons(manifest, shuffled)).toEqual(pairedComparisons(manifest, c));
    // An unpaired 2-standard-error rule would not see it: |1.0| < 2·√(s_a²/3 + s_b²/3) with s ≈ 10.
    const adam = summarizeCells(manifest, c).find((s) => s.optimizer === 'adam')!;
    const qtadam = summarizeCells(manifest, c).find((s) => s.optimizer === 'qtadam')!;
    expect(Math.abs(qtadam.test.mean - adam.test.mean)).toBeLessThan(2 * Math.sqrt((adam.test.sd ** 2 + qtadam.test.sd ** 2) / 3));
  });

  it('diagnostics: most updates zero and an index past the annealing bound are reported', () => {
    const c = cells({ adam: [0.3, 0.3, 0.3], qtadam: [0.3, 0.3, 0.3], sgd: [0.3, 0.3, 0.3], qsgd: [0.1, 0.1, 0.1] }, { zeroUpdateFraction: 0.99, p: 20, pMaxTensor: 20 });
    const summaries = summarizeCells(manifest, c);
    const qsgd = summaries.find((s) => s.optimizer === 'qsgd')!;
    expect(qsgd.annealingMargin!.every((m) => m < 1)).toBe(true);
    const text = findings(manifest, summaries, paper, pairedComparisons(manifest, c)).shows.join('\n');
    expect(text).toMatch(/QSGD quantized .* of its per-weight updates to exactly zero/);
    expect(text).toMatch(/QSGD: B\.2a pushed the index past the annealing bound/);
    // With p = 8 at t = 1 the margin holds and nothing is reported.
    const one = cells({ adam: [0.3], qtadam: [0.3], sgd: [0.3], qsgd: [0.3] });
    const calm = findings(manifest, summarizeCells(manifest, one), paper, pairedComparisons(manifest, one)).shows.join('\n');
    expect(calm).not.toMatch(/annealing bound/);
  });
});
