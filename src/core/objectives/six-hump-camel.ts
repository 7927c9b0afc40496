import type { Objective, ObjectiveFactory } from './objective.ts';
import { checkDims } from './objective.ts';

function value(x: number, y: number): number {
  return (4 - 2.1 * x * x + (x ** 4) / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y;
}

/** Powers as products (not **, whose last bit is V8's pow): the wasm kernel computes the same bits. */
function gradient(x: number, y: number): [number, number] {
  const x2 = x * x;
  const x3 = x2 * x;
  const x5 = x3 * x2;
  return [8 * x - 8.4 * x3 + 2 * x5 + y, x - 8 * y + 16 * (y * y * y)];
}

function hessian(x: number, y: number): [number, number, number] {
  return [8 - 25.2 * x * x + 10 * x ** 4, 1, -8 + 48 * y * y];
}

/** 2-D Newton from a start inside the basin: computes the two global minimisers. */
function refine(x0: number, y0: number): Float64Array {
  let x = x0;
  let y = y0;
  for (let i = 0; i < 100; i++) {
    const [gx, gy] = gradient(x, y);
    const [hxx, hxy, hyy] = hessian(x, y);
    const det = hxx * hyy - hxy * hxy;
    const dx = (hyy * gx - hxy * gy) / det;
    const dy = (hxx * gy - hxy * gx) / det;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) + Math.abs(dy) < 1e-17) break;
  }
  return Float64Array.of(x, y);
}

const MINIMISERS = [refine(0.09, -0.71), refine(-0.09, 0.71)];

/** Six-hump camel: two global minima f* ≈ −1.0316 at ±(0.0898, −0.7126); box [−3, 3] × [−2, 2] taken as [−3, 3]². */
export const sixHumpCamel: ObjectiveFactory = {
  name: 'six-hump-camel',
  description: 'Six-hump camel (d = 2): two global minima f* ≈ −1.0316',
  dimensions: [2],
  create(dims: number): Objective {
    checkDims(this, dims);
    return {
      name: 'six-hump-camel',
      dims: 2,
      lower: -3,
      upper: 3,
      minimum: value(MINIMISERS[0][0], MINIMISERS[0][1]),
      minimisers: MINIMISERS,
      kernel: { name: 'six-hump-camel' },
      value(w, offset) {
        return value(w[offset], w[offset + 1]);
      },
      gradient(w, offset, g, gOffset) {
        const [gx, gy] = gradient(w[offset], w[offset + 1]);
        g[gOffset] = gx;
        g[gOffset + 1] = gy;
      },
    };
  },
};
