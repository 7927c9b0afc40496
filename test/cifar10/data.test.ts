/**
 * CIFAR-10 decoding and verification on synthetic sprites (the real data is checked by the smoke
 * test): pixel layout height-width-channel per row, alpha dropped; the verifier rejects wrong
 * counts, unbalanced classes and wrong first test labels; normalisation is (x/255 − 0.5)/0.5.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeSprite, FIRST_TEST_LABELS, IMAGE_SIZE, loadCifar10, normalize, verifyCifar10, Cifar10DataError, type Cifar10 } from '../../src/tfjs/data.ts';

describe('CIFAR-10 sprites', () => {
  it('row i is image i, pixels in height-width order, RGB with alpha dropped', () => {
    const png = new PNG({ width: 1024, height: 2 });
    for (let row = 0; row < 2; row++) {
      for (let pixel = 0; pixel < 1024; pixel++) {
        const at = 4 * (row * 1024 + pixel);
        png.data[at] = (pixel + row) % 256;
        png.data[at + 1] = (pixel >> 8) + 10 * row;
        png.data[at + 2] = 200;
        png.data[at + 3] = 255;
      }
    }
    const { images, count } = decodeSprite(PNG.sync.write(png));
    expect(count).toBe(2);
    expect(images.length).toBe(2 * IMAGE_SIZE);
    // image 1, pixel (h = 1, w = 3) = sprite pixel 35 of row 1.
    const offset = IMAGE_SIZE + 3 * (1 * 32 + 3);
    expect(Array.from(images.subarray(offset, offset + 3))).toEqual([36, 10, 200]);
  });

  it('rejects a sprite of the wrong width', () => {
    const png = new PNG({ width: 32, height: 1 });
    expect(() => decodeSprite(PNG.sync.write(png))).toThrow(Cifar10DataError);
  });

  it('normalises to (x/255 − 0.5)/0.5', () => {
    expect(Array.from(normalize(Uint8Array.from([0, 255, 51])))).toEqual([-1, 1, Math.fround((51 / 255 - 0.5) / 0.5)]);
  });
});

describe('verifyCifar10', () => {
  const balanced = (count: number, first: readonly number[] = []) => {
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    // Put the required first labels in front while keeping every class count.
    first.forEach((label, i) => {
      const j = labels.indexOf(label, i);
      [labels[i], labels[j]] = [labels[j], labels[i]];
    });
    return { images: new Uint8Array(count * IMAGE_SIZE), labels, count };
  };
  const good = (): Cifar10 => ({ train: balanced(50_000), test: balanced(10_000, FIRST_TEST_LABELS) });

  it('accepts the right shape', () => {
    expect(() => verifyCifar10(good())).not.toThrow();
  });
  it('rejects unbalanced classes, wrong counts and wrong first test labels', () => {
    const unbalanced = good();
    unbalanced.train.labels[0] = (unbalanced.train.labels[0] + 1) % 10;
    expect(() => verifyCifar10(unbalanced)).toThrow(/class counts/);
    const short = good();
    expect(() => verifyCifar10({ ...short, test: { ...short.test, count: 9_999 } })).toThrow(/expected 10000/);
    const swapped = good();
    const labels = swapped.test.labels;
    const j = labels.indexOf(labels[0] === 3 ? 4 : 3, 10);
    [labels[0], labels[j]] = [labels[j], labels[0]];
    expect(() => verifyCifar10(swapped)).toThrow(/test labels start/);
  });
});

describe('the CIFAR-10 cache', () => {
  it('a truncated train-images.u8 is named with its size and what to do, not counted as 50000 images', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-cache-'));
    try {
      writeFileSync(join(dir, 'train-images.u8'), new Uint8Array(3 * IMAGE_SIZE + 7));
      for (const name of ['train-labels.u8', 'test-images.u8', 'test-labels.u8']) writeFileSync(join(dir, name), new Uint8Array(1));
      expect(() => loadCifar10(dir)).toThrow(Cifar10DataError);
      expect(() => loadCifar10(dir)).toThrow(`train-images.u8 has ${3 * IMAGE_SIZE + 7} bytes, expected ${50_000 * IMAGE_SIZE} (50000 images): delete it`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
