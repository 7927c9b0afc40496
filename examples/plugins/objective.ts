/**
 * A plug-in objective for `qle report --objective-module examples/plugins/objective.ts`:
 * Himmelblau's function (d = 2), four global minima f* = 0, one of them (3, 2) exact; the other
 * three computed here by Newton's method from nearby starts (never typed in).
 *
 * The interface is ObjectiveFactory (src/core/objectives/objective.ts): a name, the dimensions it
 * supports and `create(d)` returning an Objective — value, gradient (written into g at gOffset),
 * the search box [lower, upper] per coordinate, the global minimisers, f*, optionally the barrier Δ.
 * Points live in flat Float64Arrays at an offset (a population is runs × dims, run-major).
 */
import type { Objective, ObjectiveFactory } from '../../src/core/objectives/objective.ts';

const value = (x: number, y: number) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;
const gradient = (x: number, y: number): [number, number] => [
  4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
  2 * (x * x + y - 11) + 4 * y * (x + y * y - 7),
];

/** 2-D Newton on the gradient from (x, y): the minimiser of the basin it starts in. */
function newton(x: number, y: number): Float64Array {
  for (let i = 0; i < 100; i++) {
    const [gx, gy] = gradient(x, y);
    const hxx = 12 * x * x + 4 * y - 42;
    const hxy = 4 * x + 4 * y;
    const hyy = 4 * x + 12 * y * y - 26;
    const det = hxx * hyy - hxy * hxy;
    const dx = (hyy * gx - hxy * gy) / det;
    const dy = (hxx * gy - hxy * gx) / det;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) + Math.abs(dy) < 1e-15) break;
  }
  return Float64Array.of(x, y);
}

const MINIMISERS = [Float64Array.of(3, 2), newton(-2.8, 3.1), newton(-3.8, -3.3), newton(3.6, -1.8)];

const himmelblau: ObjectiveFactory = {
  name: 'himmelblau',
  description: "Himmelblau's function (d = 2): four global minima f* = 0",
  dimensions: [2],
  create(dims: number): Objective {
    if (dims !== 2) throw new RangeError(`himmelblau is defined for d = 2, got ${dims}`);
    return {
      name: 'himmelblau',
      dims: 2,
      lower: -5,
      upper: 5,
      minimum: 0,
      minimisers: MINIMISERS,
      value: (w, offset) => value(w[offset], w[offset + 1]),
      gradient(w, offset, g, gOffset) {
        const [gx, gy] = gradient(w[offset], w[offset + 1]);
        g[gOffset] = gx;
        g[gOffset + 1] = gy;
      },
    };
  },
};

export default himmelblau;
