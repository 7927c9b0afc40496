import { ksUniform, chiSquareUniform } from './src/core/wnh.ts';
import { makeGrid } from './src/core/quantizer.ts';
const g = makeGrid(1,2,8);
for (const n of [5000, 20000, 50000]) {
  const e = Float64Array.from({length:n}, () => (Math.random()-0.5)*g.cell);
  let t = performance.now(); ksUniform(e, g, 'round'); console.log('ks', n, (performance.now()-t).toFixed(0));
  t = performance.now(); chiSquareUniform(e, g, 'round'); console.log('chi', n, (performance.now()-t).toFixed(0));
}
