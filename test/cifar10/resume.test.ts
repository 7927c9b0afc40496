/**
 * Checkpoint and resume: a run interrupted after epoch 1 and resumed gives the same history and
 * weights as an uninterrupted run (QtADAM: ADAM moments, scheduler index and clock, shuffle order
 * and master weights all go through the checkpoint); bad checkpoints are refused. Synthetic images keep it fast and
 * independent of the data download.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../src/core/rng.ts';
import { loadTf } from '../../src/tfjs/backend.ts';
import { IMAGE_SIZE, type Split } from '../../src/tfjs/data.ts';
import { DEFAULT_QUANTIZATION } from '../../src/tfjs/optimizers.ts';
import { defaultRunConfig, readLog, trainRun, type EpochRecord } from '../../src/tfjs/train.ts';

await loadTf({ quiet: true });

function synthetic(count: number, seed: number): Split {
  const rng = createRng(seed);
  const labels = Uint8Array.from({ length: count }, () => Math.floor(rng.uniform() * 10));
  // Class-dependent brightness so there is something to learn.
  const images = new Uint8Array(count * IMAGE_SIZE);
  for (let i = 0; i < count; i++) for (let j = 0; j < IMAGE_SIZE; j++) images[i * IMAGE_SIZE + j] = Math.min(255, Math.floor(rng.uniform() * 128) + labels[i] * 12);
  return { images, labels, count };
}

const strip = (h: EpochRecord[]) => h.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);

describe('checkpoint and resume', () => {
  const train = synthetic(96, 1);
  const test = synthetic(40, 2);
  for (const optimizer of ['qtadam'] as const) {
    it(`${optimizer}: kill after epoch 1 and resume = uninterrupted (shuffled, clock per step)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qle-resume-'));
      try {
        const config = defaultRunConfig({
          model: 'mlp', optimizer, lr: 2 ** -7, epochs: 2, seed: 3, batch: 32, shuffle: true,
          quantization: { ...DEFAULT_QUANTIZATION, timeUnit: 'step' },
        });
        const whole = await trainRun(config, train, test, { log: join(dir, 'a.jsonl'), checkpoint: join(dir, 'a.ckpt.json') });
        const first = await trainRun(config, train, test, { log: join(dir, 'b.jsonl'), checkpoint: join(dir, 'b.ckpt.json') }, { stopAfterEpochs: 1 });
        expect(first).toHaveLength(1);
        expect(readLog(join(dir, 'b.jsonl'))).toHaveLength(1);
        const resumed = await trainRun(config, train, test, { log: join(dir, 'b.jsonl'), checkpoint: join(dir, 'b.ckpt.json') });
        expect(resumed).toHaveLength(2);
        expect(strip(resumed)).toEqual(strip(whole));
        const weights = (file: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { master: string }).master;
        expect(weights('b.ckpt.json')).toBe(weights('a.ckpt.json'));
        // A finished run is read back, not retrained.
        const again = await trainRun(config, train, test, { log: join(dir, 'b.jsonl'), checkpoint: join(dir, 'b.ckpt.json') });
        expect(strip(again)).toEqual(strip(whole));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses a checkpoint written by another configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-resume-'));
    try {
      const files = { log: join(dir, 'c.jsonl'), checkpoint: join(dir, 'c.ckpt.json') };
      await trainRun(defaultRunConfig({ model: 'mlp', optimizer: 'sgd', lr: 2 ** -6, epochs: 1, seed: 1, batch: 48 }), train, test, files);
      await expect(trainRun(defaultRunConfig({ model: 'mlp', optimizer: 'sgd', lr: 2 ** -5, epochs: 1, seed: 1, batch: 48 }), train, test, files)).rejects.toThrow(/different configuration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
