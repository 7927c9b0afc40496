/**
 * Gradients of the built-in objectives over a population (runs × dims, run-major): the twins of the
 * gradient() of each src/core/objectives/*.ts, same operations in the same order (and the same
 * sin/cos/exp, elementary.ts). Then the divergence guard of simulations/population.ts.
 */
import { vcos, vcosPi, vexp, vsin, vsinPi } from './elementary';
import { ONE } from './constants';

const TWO_PI: f64 = 2 * Math.PI;
const TWENTY_PI: f64 = 20 * Math.PI;

// @ts-ignore: decorator
@inline function at(array: usize, i: i32): usize {
  return array + (<usize>i << 3);
}

/** Rastrigin: g = 2x + 20π·sin(π·2x) of one v128. */
// @ts-ignore: decorator
@inline function rastriginPair(x: v128): v128 {
  const twoX = f64x2.mul(f64x2.splat(2), x);
  return f64x2.add(twoX, f64x2.mul(f64x2.splat(TWENTY_PI), vsinPi(twoX)));
}

export function rastrigin(w: usize, g: usize, n: i32): void {
  let i = 0;
  // Four pairs per iteration: independent dependency chains for the out-of-order core.
  for (; i + 8 <= n; i += 8) {
    const g0 = rastriginPair(v128.load(at(w, i)));
    const g1 = rastriginPair(v128.load(at(w, i), 16));
    const g2 = rastriginPair(v128.load(at(w, i), 32));
    const g3 = rastriginPair(v128.load(at(w, i), 48));
    v128.store(at(g, i), g0);
    v128.store(at(g, i), g1, 16);
    v128.store(at(g, i), g2, 32);
    v128.store(at(g, i), g3, 48);
  }
  for (; i + 2 <= n; i += 2) v128.store(at(g, i), rastriginPair(v128.load(at(w, i))));
  if (i < n) {
    const x = load<f64>(at(w, i));
    store<f64>(at(g, i), 2 * x + TWENTY_PI * f64x2.extract_lane(vsinPi(f64x2.splat(2 * x)), 0));
  }
}

/** Styblinski–Tang: g = 2x³ − 16x + 2.5. */
export function styblinskiTang(w: usize, g: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const x = v128.load(at(w, i));
    const cube = f64x2.mul(f64x2.mul(x, x), x);
    v128.store(at(g, i), f64x2.add(f64x2.sub(f64x2.mul(f64x2.splat(2), cube), f64x2.mul(f64x2.splat(16), x)), f64x2.splat(2.5)));
  }
  if (i < n) {
    const x = load<f64>(at(w, i));
    store<f64>(at(g, i), 2 * (x * x * x) - 16 * x + 2.5);
  }
}

/** Tilted double well: g = 4x(x² − 1) + τ. */
export function doubleWell(w: usize, g: usize, n: i32, tilt: f64): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const x = v128.load(at(w, i));
    const inner = f64x2.sub(f64x2.mul(x, x), ONE());
    v128.store(at(g, i), f64x2.add(f64x2.mul(f64x2.mul(f64x2.splat(4), x), inner), f64x2.splat(tilt)));
  }
  if (i < n) {
    const x = load<f64>(at(w, i));
    store<f64>(at(g, i), 4 * x * (x * x - 1) + tilt);
  }
}

/** Six-hump camel (d = 2): g = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³). */
export function sixHumpCamel(w: usize, g: usize, runs: i32): void {
  for (let r = 0; r < runs; r++) {
    const x = load<f64>(at(w, 2 * r));
    const y = load<f64>(at(w, 2 * r + 1));
    const x2 = x * x;
    const x3 = x2 * x;
    const x5 = x3 * x2;
    store<f64>(at(g, 2 * r), 8 * x - 8.4 * x3 + 2 * x5 + y);
    store<f64>(at(g, 2 * r + 1), x - 8 * y + 16 * (y * y * y));
  }
}

/**
 * Ackley: with S = Σx², C = Σcos(π·2x) (in index order), ρ = √(S/d):
 * g = [ρ > 0 ? 4·e^(−0.2ρ)/(d·ρ) : 0]·x + (2π/d)·e^(C/d)·sin(π·2x).
 */
export function ackley(w: usize, g: usize, runs: i32, dims: i32): void {
  const dimsF = <f64>dims;
  const two = f64x2.splat(2);
  for (let r = 0; r < runs; r++) {
    const start = r * dims;
    let squares: f64 = 0;
    let cosines: f64 = 0;
    let i = 0;
    for (; i + 2 <= dims; i += 2) {
      const x = v128.load(at(w, start + i));
      const x2 = f64x2.mul(x, x);
      const c = vcosPi(f64x2.mul(two, x));
      squares += f64x2.extract_lane(x2, 0);
      cosines += f64x2.extract_lane(c, 0);
      squares += f64x2.extract_lane(x2, 1);
      cosines += f64x2.extract_lane(c, 1);
    }
    if (i < dims) {
      const x = load<f64>(at(w, start + i));
      squares += x * x;
      cosines += f64x2.extract_lane(vcosPi(f64x2.splat(2 * x)), 0);
    }
    const radius = Math.sqrt(squares / dimsF);
    // Both exponentials of the run in one call: lanes (−0.2ρ, C/d).
    const e = vexp(f64x2.replace_lane(f64x2.splat(-0.2 * radius), 1, cosines / dimsF));
    const radial = radius > 0 ? (4 * f64x2.extract_lane(e, 0)) / (dimsF * radius) : 0;
    const periodic = (TWO_PI / dimsF) * f64x2.extract_lane(e, 1);
    const radialV = f64x2.splat(radial);
    const periodicV = f64x2.splat(periodic);
    i = 0;
    for (; i + 2 <= dims; i += 2) {
      const x = v128.load(at(w, start + i));
      const s = vsinPi(f64x2.mul(two, x));
      v128.store(at(g, start + i), f64x2.add(f64x2.mul(radialV, x), f64x2.mul(periodicV, s)));
    }
    if (i < dims) {
      const x = load<f64>(at(w, start + i));
      store<f64>(at(g, start + i), radial * x + periodic * f64x2.extract_lane(vsinPi(f64x2.splat(2 * x)), 0));
    }
  }
}

/**
 * Griewank: s_i = 1/√(i+1), g_i = x_i/2000 + s_i·sin(x_i s_i)·Π_{j≠i} cos(x_j s_j) (product in
 * index order). `scratch` holds 3·dims doubles.
 */
export function griewank(w: usize, g: usize, runs: i32, dims: i32, scratch: usize): void {
  const scales = scratch;
  const cosines = scratch + (<usize>dims << 3);
  const sines = cosines + (<usize>dims << 3);
  for (let j = 0; j < dims; j++) store<f64>(at(scales, j), 1 / Math.sqrt(<f64>(j + 1)));
  for (let r = 0; r < runs; r++) {
    const start = r * dims;
    let j = 0;
    for (; j + 2 <= dims; j += 2) {
      const a = f64x2.mul(v128.load(at(w, start + j)), v128.load(at(scales, j)));
      v128.store(at(cosines, j), vcos(a));
      v128.store(at(sines, j), vsin(a));
    }
    if (j < dims) {
      const a = f64x2.splat(load<f64>(at(w, start + j)) * load<f64>(at(scales, j)));
      store<f64>(at(cosines, j), f64x2.extract_lane(vcos(a), 0));
      store<f64>(at(sines, j), f64x2.extract_lane(vsin(a), 0));
    }
    for (let i = 0; i < dims; i++) {
      let others: f64 = 1;
      for (let k = 0; k < dims; k++) if (k != i) others *= load<f64>(at(cosines, k));
      const x = load<f64>(at(w, start + i));
      store<f64>(at(g, start + i), x / 2000 + load<f64>(at(scales, i)) * load<f64>(at(sines, i)) * others);
    }
  }
}

/**
 * The divergence guard of Population.gradient: diverged runs get g = 0; a live run with a
 * coordinate outside [low, high], non-finite, or with |g| > limit is frozen (diverged[r] = 1,
 * g = 0). Returns the number of runs frozen now. Cheap first pass: is anything off at all?
 */
export function guard(w: usize, g: usize, diverged: usize, runs: i32, dims: i32, low: f64, high: f64, limit: f64, anyDiverged: i32): i32 {
  const n = runs * dims;
  if (!anyDiverged) {
    const lowV = f64x2.splat(low);
    const highV = f64x2.splat(high);
    const limitV = f64x2.splat(limit);
    let good = i64x2.splat(-1);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const x = v128.load(at(w, i));
      const okX = v128.and(f64x2.ge(x, lowV), f64x2.le(x, highV));
      good = v128.and(good, v128.and(okX, f64x2.le(f64x2.abs(v128.load(at(g, i))), limitV)));
    }
    let fine = i64x2.all_true(good);
    if (i < n) {
      const x = load<f64>(at(w, i));
      fine = fine && x >= low && x <= high && Math.abs(load<f64>(at(g, i))) <= limit;
    }
    if (fine) return 0;
  }
  let frozen = 0;
  for (let r = 0; r < runs; r++) {
    const start = r * dims;
    let freeze = load<u8>(diverged + <usize>r) != 0;
    if (!freeze) {
      for (let i = start; i < start + dims; i++) {
        const x = load<f64>(at(w, i));
        if (!(x >= low && x <= high && Math.abs(load<f64>(at(g, i))) <= limit)) {
          store<u8>(diverged + <usize>r, 1);
          frozen += 1;
          freeze = true;
          break;
        }
      }
    }
    if (freeze) for (let i = start; i < start + dims; i++) store<f64>(at(g, i), 0);
  }
  return frozen;
}
