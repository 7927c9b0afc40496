/**
 * A benchmark objective f: ℝ^d → ℝ with its gradient, search box, global minimisers and f*.
 * Points live inside flat Float64Arrays at an offset, so a population (runs × dims) is evaluated
 * without allocating a view per run.
 */
export interface Objective {
  readonly name: string;
  readonly dims: number;
  /** Box [lower, upper] per dimension from which starts are drawn. */
  readonly lower: number;
  readonly upper: number;
  /** Global minimum value f*. */
  readonly minimum: number;
  /** The global minimisers (all of them when there are finitely many). */
  readonly minimisers: readonly Float64Array[];
  /** Depth Δ of the deepest non-global well, where it is known analytically. */
  readonly barrier?: number;
  /**
   * Exact membership of the global minimisers' basin of attraction under gradient flow, where it
   * is known in closed form (the double well: left of the barrier top). Without it, basin.ts
   * decides by quenching the point with gradient descent.
   */
  globalBasin?(w: Float64Array, offset: number): boolean;
  value(w: Float64Array, offset: number): number;
  /** Writes ∇f(w) into g at gOffset. */
  gradient(w: Float64Array, offset: number, g: Float64Array, gOffset: number): void;
  /**
   * Built-in objectives only: the WebAssembly twin of gradient() (src/wasm/assembly/gradients.ts)
   * that computes the same bits for a whole population. Absent: the population calls gradient().
   */
  readonly kernel?: GradientKernel;
}

/** Names the wasm gradient kernel of a built-in objective and its one parameter (the double well's tilt). */
export interface GradientKernel {
  readonly name: 'rastrigin' | 'ackley' | 'styblinski-tang' | 'griewank' | 'six-hump-camel' | 'double-well';
  readonly parameter?: number;
}

/** How an objective is built and which dimensions it supports. */
export interface ObjectiveFactory {
  readonly name: string;
  readonly description: string;
  /** Supported dimensions: 'any' (d ≥ 1) or a fixed list. */
  readonly dimensions: 'any' | readonly number[];
  create(dims: number): Objective;
}

export class ObjectiveError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectiveError';
  }
}

export function checkDims(factory: Pick<ObjectiveFactory, 'name' | 'dimensions'>, dims: number): void {
  const ok =
    Number.isSafeInteger(dims) && dims >= 1 && (factory.dimensions === 'any' || factory.dimensions.includes(dims));
  if (!ok) {
    const allowed = factory.dimensions === 'any' ? 'any d >= 1' : `d in {${factory.dimensions.join(', ')}}`;
    throw new ObjectiveError(`${factory.name} is defined for ${allowed}, got d = ${dims}`);
  }
}

/** Newton's method on a scalar function from x0: used to compute minimisers, never to type them. */
export function newtonRoot(f: (x: number) => number, df: (x: number) => number, x0: number): number {
  let x = x0;
  for (let i = 0; i < 100; i++) {
    const step = f(x) / df(x);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Squared Euclidean distance from the point at offset to the nearest global minimiser. */
export function distanceToMinimiser(objective: Objective, w: Float64Array, offset: number): number {
  let best = Infinity;
  for (const m of objective.minimisers) {
    let d2 = 0;
    for (let i = 0; i < objective.dims; i++) d2 += (w[offset + i] - m[i]) ** 2;
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}
