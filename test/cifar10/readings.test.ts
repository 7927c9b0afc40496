/**
 * `qle cifar10-readings` (src/tfjs/readings.ts): runs that differ only in the B.2a reading, read
 * back from committed report folders, side by side. Synthetic logs with known differences: the
 * paired verdicts, the per-row count of finished runs, the index trajectories, and the refusal of
 * runs that are not the same grid. No training.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { READINGS } from '../../src/core/reading.ts';
import { DEFAULT_QUANTIZATION, type OptimizerName } from '../../src/tfjs/names.ts';
import { readReadingRuns, renderReadingsReport } from '../../src/tfjs/readings.ts';
import { cellName, type Manifest } from '../../src/tfjs/sweep.ts';
import type { EpochRecord } from '../../src/tfjs/train.ts';
import { syntheticManifest } from './synthetic.ts';

const base = syntheticManifest({ run: 'grid', lrs: [2 ** -2, 2 ** -6] });

function record(epoch: number, testAccuracy: number, p: number | null): EpochRecord {
  return {
    epoch,
    loss: 1,
    trainAccuracy: testAccuracy,
    testAccuracy,
    p,
    pMaxTensor: p,
    Q: p === null ? null : 2 ** p,
    t: p === null ? null : epoch,
    vanishingFraction: p === null ? null : 0.25,
    raises: p === null ? null : 1,
    zeroUpdateFraction: p === null ? null : 0.5,
    diverged: false,
    steps: 8,
    seconds: 1,
    imagesPerSecond: 1024,
  };
}

/** A committed report folder: the manifest and one log per cell; `accuracy` null leaves a run unfinished (one epoch). */
function commit(
  parent: string,
  manifest: Manifest,
  accuracy: (o: OptimizerName, lr: number, seed: number) => number | null,
  index: (seed: number) => number,
): void {
  const dir = join(parent, manifest.run);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const o of manifest.optimizers)
    for (const lr of manifest.lrs)
      for (const seed of manifest.seeds) {
        const a = accuracy(o, lr, seed);
        const p = o.startsWith('q') ? index(seed) : null;
        const epochs = a === null ? [record(1, 0.2, p)] : [record(1, a / 2, p === null ? null : p - 1), record(2, a, p)];
        writeFileSync(join(dir, 'logs', `${cellName(o, lr, seed)}.jsonl`), `${epochs.map((e) => JSON.stringify(e)).join('\n')}\n`);
      }
}

describe('qle cifar10-readings', () => {
  const parent = mkdtempSync(join(tmpdir(), 'qle-readings-test-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  // Shared baselines (SGD 0.30/0.32/0.34 by seed, ADAM 0.40/0.41/0.42); `paper` QSGD 10 points below SGD
  // on every seed (± 0.1 by seed), `tensor` QSGD 1 point above with its run λ = 2^-6, seed 3 unfinished.
  const baseline = (o: OptimizerName, seed: number) => (o === 'sgd' || o === 'qsgd' ? 0.28 + 0.02 * seed : 0.39 + 0.01 * seed);
  commit(
    parent,
    base,
    (o, _lr, seed) => baseline(o, seed) + (o === 'qsgd' ? -0.1 + 0.001 * (seed - 2) : 0),
    (seed) => 8 + seed,
  );
  const tensor: Manifest = { ...base, run: 'grid-tensor', quantization: { ...DEFAULT_QUANTIZATION, reading: READINGS.tensor } };
  commit(
    parent,
    tensor,
    (o, lr, seed) => (o === 'qsgd' && lr === 2 ** -6 && seed === 3 ? null : baseline(o, seed) + (o === 'qsgd' ? 0.01 + 0.001 * (seed - 2) : 0)),
    () => 12,
  );

  it('paired verdicts per reading, finished runs per row, index medians per epoch', async () => {
    const dir = await renderReadingsReport(parent, ['grid', 'grid-tensor'], 'readings-grid');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toMatch(
      /\*\*`paper`\*\* \(clock per epoch, B\.2b on\): QSGD − SGD -10\.00 points \(lower, p [0-9.e-]+, 3 seeds\); QtADAM − ADAM \+0\.00 points/,
    );
    // λ = 2^-6 of `tensor` has two paired seeds; the average over λ pairs the seeds finished at every λ.
    expect(md).toMatch(/\| `tensor` \| QSGD − SGD \| λ = 2\^-2 \| \+1\.00 points .* over 3 shared seeds/);
    expect(md).toMatch(/\| `tensor` \| QSGD − SGD \| λ = 2\^-6 \| \+0\.95 points .* over 2 shared seeds/);
    const row = (reading: string, o: string, lr: string) =>
      md
        .split('\n')
        .find((l) => l.startsWith(`| \`${reading}\` | ${o} | ${lr} |`))!
        .split('|')
        .map((c) => c.trim());
    expect(row('tensor', 'QSGD', '2^-6').at(-2)).toBe('2/3');
    expect(row('tensor', 'QSGD', '2^-2').at(-2)).toBe('3/3');
    expect(row('paper', 'QtADAM', '2^-6').slice(4, 8)).toEqual(['10', '25.0%', '50.0%', '3/3']);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as {
      trajectories: { reading: string; optimizer: string; lr: string; epoch: number; p: number }[];
    };
    const paperIndex = results.trajectories.filter((t) => t.reading === 'paper' && t.optimizer === 'QSGD' && t.lr === 'λ = 2^-2').map((t) => [t.epoch, t.p]);
    expect(paperIndex).toEqual([
      [1, 9],
      [2, 10],
    ]);
    for (const figure of ['index', 'vanishing', 'zero-updates']) expect(readFileSync(join(dir, `${figure}.svg`), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses runs that are not the same grid, naming the run', () => {
    commit(
      parent,
      { ...base, run: 'grid-other', seeds: [1, 2] },
      () => 0.3,
      () => 9,
    );
    expect(() => readReadingRuns(parent, ['grid', 'grid-other'])).toThrow(/run grid-other is not the same grid as grid/);
  });
});
