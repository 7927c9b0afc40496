/**
 * The directions and the plain learning equation of SPEC §3. Directions (SGD, ADAM) work
 * elementwise over a flat Float64Array, so the same code serves one weight vector, a population of
 * simulated runs (runs × dims, run-major) or the flattened tensors of a network. The Learner
 * (learner.ts) composes them with the quantized step of Algorithm 1.
 */

/** ADAM hyperparameters (SPEC §3, Appendix B.3.2). */
export interface AdamHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** The paper's ADAM constants. */
export const ADAM_DEFAULTS: AdamHyper = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });
/** The reference implementation's ADAM: the same but ε = 1e−6 (SPEC §3). */
export const ADAM_REFERENCE: AdamHyper = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-6 });

/** A direction h(w) from a gradient g: writes h into out (same length as g). */
export interface Direction {
  readonly name: string;
  compute(gradient: Float64Array, out: Float64Array): void;
}

/** SGD: h = g on the mini-batch (SPEC §3, eq. 31). */
export class SgdDirection implements Direction {
  readonly name = 'sgd';
  compute(gradient: Float64Array, out: Float64Array): void {
    if (out !== gradient) out.set(gradient);
  }
}

/**
 * ADAM: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², h = m̂/(√v̂ + ε) with bias-corrected
 * m̂ = m/(1−β1^t), v̂ = v/(1−β2^t) (SPEC §3, eq. 32). One step counter for the whole array.
 */
export class AdamDirection implements Direction {
  readonly name = 'adam';
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Number of directions computed so far. */
  step = 0;

  constructor(size: number, readonly hyper: AdamHyper = ADAM_DEFAULTS) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  compute(gradient: Float64Array, out: Float64Array): void {
    const { beta1, beta2, eps } = this.hyper;
    this.step += 1;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const { m, v } = this;
    for (let i = 0; i < gradient.length; i++) {
      const g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      out[i] = m[i] / correction1 / (Math.sqrt(v[i] / correction2) + eps);
    }
  }
}

export type DirectionKind = 'sgd' | 'adam';

export function makeDirection(kind: DirectionKind, size: number, hyper: AdamHyper = ADAM_DEFAULTS): Direction {
  return kind === 'sgd' ? new SgdDirection() : new AdamDirection(size, hyper);
}

/** The plain learning equation w ← w − λ·h (SPEC §3, eq. 3), over n entries from offset. */
export function plainStep(w: Float64Array, h: Float64Array, offset: number, n: number, lambda: number): void {
  for (let i = offset; i < offset + n; i++) w[i] -= lambda * h[i];
}
