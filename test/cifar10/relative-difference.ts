/** How the wasm tests compare a tensor computed on wasm with the cpu backend's. */

/** max|a − b| / max|b| (b all zero: max|a − b|); Infinity when the lengths differ. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return a.length !== b.length ? Infinity : diff / (scale || 1);
}
