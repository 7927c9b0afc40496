/**
 * Checkpoint and resume on the wasm backend: a run interrupted after epoch 1 and resumed gives the
 * same history and weights, bit for bit, as an uninterrupted run (QtADAM: ADAM moments, scheduler
 * index and clock, shuffle order and master weights all go through the checkpoint; for the ResNet
 * also the batch-norm moving statistics); bad checkpoints are refused. Synthetic images keep it fast
 * and independent of the data download.
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

const { backend } = await loadTf({ backend: 'wasm' });

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
  it('runs on the wasm backend', () => expect(backend).toBe('wasm'));

  for (const [model, optimizer, batch] of [['mlp', 'qtadam', 32], ['resnet8', 'qtadam', 16]] as const) {
    it(`${model}, ${optimizer}: kill after epoch 1 and resume = uninterrupted (shuffled, clock per step)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qle-resume-'));
      try {
        const config = defaultRunConfig({
          model, optimizer, lr: 2 ** -7, epochs: 2, seed: 3, batch, shuffle: true,
          quantization: { ...DEFAULT_QUANTIZATION, timeUnit: 'step' },
        });
        const whole = await trainRun(config, train, test, { log: join(dir, 'a.jsonl'), checkpoint: join(dir, 'a.ckpt.json') });
        const first = await trainRun(config, train, test, { log: join(dir, 'b.jsonl'), checkpoint: join(dir, 'b.ckpt.json') }, { stopAfterEpochs: 1 });
        expect(first).toHaveLength(1);
        expect(readLog(join(dir, 'b.jsonl'))).toHaveLength(1);
        const resumed = await trainRun(config, train, test, { log: join(dir, 'b.jsonl'), checkpoint: join(dir, 'b.ckpt.json') });
        expect(resumed).toHaveLength(2);
        expect(strip(resumed)).toEqual(strip(whole));
        const saved = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { master: string; nonTrainable: unknown[] };
        expect(saved('b.ckpt.json').master).toBe(saved('a.ckpt.json').master);
        expect(saved('b.ckpt.json').nonTrainable).toEqual(saved('a.ckpt.json').nonTrainable);
        if (model === 'resnet8') expect(saved('a.ckpt.json').nonTrainable).toHaveLength(14);
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
