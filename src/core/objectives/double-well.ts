import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims, ObjectiveError } from './objective.ts';

/** The default tilt τ: the wells at ≈ ±1 differ by ≈ 2τ, and the shallow one has depth Δ ≈ 0.77. */
export const DEFAULT_TILT = 0.25;

/** The tilt beyond which the shallow well disappears: 4w³ − 4w + τ keeps three roots iff τ < 8/(3√3). */
export const MAX_TILT = 8 / (3 * Math.sqrt(3));

/**
 * Stationary points of f(w) = (w² − 1)² + τ·w: roots of f'(w) = 4w³ − 4w + τ, by the trigonometric
 * solution of the depressed cubic w³ − w + τ/4 = 0. Returned ascending: global minimiser (≈ −1),
 * barrier top (≈ τ/4), shallow minimiser (≈ +1).
 */
export function doubleWellCriticalPoints(tilt: number): [number, number, number] {
  const radius = 2 / Math.sqrt(3);
  const angle = Math.acos(((-3 * tilt) / 8) * Math.sqrt(3)) / 3;
  const roots = [0, 1, 2].map((k) => radius * Math.cos(angle - (2 * Math.PI * k) / 3));
  roots.sort((a, b) => a - b);
  return [roots[0], roots[1], roots[2]];
}

export function doubleWellValue(w: number, tilt: number): number {
  const s = w * w - 1;
  return s * s + tilt * w;
}

/**
 * The tilted double well f(w) = (w² − 1)² + τw (d = 1): global minimum near −1, a shallow well near
 * +1 whose depth Δ = f(barrier top) − f(shallow minimum) is the barrier of Theorem 3.1 (SPEC §5).
 */
export function createDoubleWell(tilt = DEFAULT_TILT): Objective {
  if (!(tilt > 0 && tilt < MAX_TILT)) {
    throw new ObjectiveError(`double-well tilt must lie in (0, ${MAX_TILT.toFixed(4)}), got ${tilt}`);
  }
  const [globalMin, top, shallowMin] = doubleWellCriticalPoints(tilt);
  return {
    name: 'double-well',
    dims: 1,
    lower: -2,
    upper: 2,
    minimum: doubleWellValue(globalMin, tilt),
    minimisers: [Float64Array.of(globalMin)],
    barrier: doubleWellValue(top, tilt) - doubleWellValue(shallowMin, tilt),
    kernel: { name: 'double-well', parameter: tilt },
    globalBasin(w, offset) {
      return w[offset] < top;
    },
    value(w, offset) {
      return doubleWellValue(w[offset], tilt);
    },
    gradient(w, offset, g, gOffset) {
      const x = w[offset];
      g[gOffset] = 4 * x * (x * x - 1) + tilt;
    },
  };
}

export const doubleWell: ObjectiveFactory = {
  name: 'double-well',
  description: `tilted double well (w² − 1)² + τw, τ = ${DEFAULT_TILT} (d = 1), analytic barrier Δ`,
  dimensions: [1],
  create(dims: number): Objective {
    checkDims(this, dims);
    return createDoubleWell();
  },
};
