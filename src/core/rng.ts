/**
 * Seeded randomness for every stochastic routine in qle: a Mersenne Twister from @stdlib (the
 * standalone random-base-* packages, not the umbrella),
 * with its uniform and standard normal streams. One seed reproduces a run bit for bit.
 */
import mt19937 from '@stdlib/random-base-mt19937';
import normalFactory from '@stdlib/random-base-normal';

export interface Rng {
  readonly seed: number;
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** A seeded generator; seed must be a positive 32-bit integer (mt19937's seed space). */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed) || seed < 1 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [1, 2^32 - 1], got ${seed}`);
  }
  // The typings omit .normalized (uniform on [0, 1) from the same 32-bit stream).
  const engine = mt19937.factory({ seed }) as unknown as { normalized: () => number };
  const uniform = engine.normalized;
  const normal = normalFactory.factory(0, 1, { prng: uniform });
  return { seed, uniform: () => uniform(), normal: () => normal() };
}

/**
 * A child seed from a parent seed and labels (cell, run, …), so that what a run draws depends only
 * on its own coordinates, not on how runs are split across workers. SplitMix32-style mixing.
 */
export function deriveSeed(parent: number, ...labels: number[]): number {
  let h = (parent ^ 0x9e3779b9) >>> 0;
  for (const label of [...labels, labels.length]) {
    h = Math.imul(h ^ (label >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    h = (h + 0x9e3779b9 + ((label / 0x100000000) >>> 0)) >>> 0;
  }
  return h === 0 ? 1 : h;
}

/** Fill out with independent standard normals. */
export function fillNormal(rng: Rng, out: Float64Array, scale = 1): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = scale * rng.normal();
  return out;
}

/** Fill out with independent uniforms on [lo, hi). */
export function fillUniform(rng: Rng, out: Float64Array, lo: number, hi: number): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return out;
}
