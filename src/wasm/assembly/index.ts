/**
 * The qle WebAssembly kernels (issue 14): entry point of `npm run build:wasm`. Every export is the
 * twin of a JS function that stays the definition and the oracle; src/wasm/*.ts load and call them.
 */
export { quantizeRange } from './quantize';
export { scanRange } from './scan';
export { quantizePass } from './pass';
export { ackley, doubleWell, griewank, guard, rastrigin, sixHumpCamel, styblinskiTang } from './gradients';
export { sin, cos, exp, sinPi, cosPi } from './elementary';

/** Where the static data ends: the JS allocator hands out memory above it. */
export function heapBase(): usize {
  return __heap_base;
}

/** sin, cos, exp, sin(π·), cos(π·) (which = 0 … 4) of one v128. */
// @ts-ignore: decorator
@inline function elementary(which: i32, x: v128): v128 {
  if (which == 0) return vsin(x);
  if (which == 1) return vcos(x);
  if (which == 2) return vexp(x);
  if (which == 3) return vsinPi(x);
  return vcosPi(x);
}

/** One of the elementary functions over n doubles (for the bit-identity tests of elementary.ts). */
import { vcos, vcosPi, vexp, vsin, vsinPi } from './elementary';
export function elementaryRange(which: i32, src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const x = v128.load(src + (<usize>i << 3));
    v128.store(dst + (<usize>i << 3), elementary(which, x));
  }
  if (i < n) {
    const x = f64x2.splat(load<f64>(src + (<usize>i << 3)));
    const y = elementary(which, x);
    store<f64>(dst + (<usize>i << 3), f64x2.extract_lane(y, 0));
  }
}
