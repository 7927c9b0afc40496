/**
 * Benchmark (issue 13, plug-ins): a formula objective compiled with mathjs (`qle report --objective`)
 * against the hand-written tilted double well it equals, f(w) = (w² − 1)² + τw: value + gradient
 * evaluations per second over the same 10^5 points of the box, and their ratio, in one process.
 * Also how long parsing, differentiating, compiling and the numerical minimiser search take.
 * Run: npm run bench:expression. Best of REPS repetitions after a warm-up; the ratio is what to read.
 */
import { loadavg } from 'node:os';
import { createDoubleWell, DEFAULT_TILT } from '../src/core/objectives/index.ts';
import { createExpressionObjective } from '../src/core/objectives/expression.ts';
import type { Objective } from '../src/core/objectives/objective.ts';
import { createRng } from '../src/core/rng.ts';

const N = 100_000;
const REPS = 5;
const FORMULA = `(x^2 - 1)^2 + ${DEFAULT_TILT}*x`;

function best(run: () => void): number {
  run();
  let fastest = Infinity;
  for (let r = 0; r < REPS; r++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

const rng = createRng(20261126);
const points = new Float64Array(N);
for (let i = 0; i < N; i++) points[i] = -2 + 4 * rng.uniform();
const g = new Float64Array(N);
let sink = 0;

/** One value and one gradient per point: what a population step and its checkpoint cost. */
function sweep(objective: Objective): void {
  for (let i = 0; i < N; i++) {
    sink += objective.value(points, i);
    objective.gradient(points, i, g, i);
  }
}

const built = process.hrtime.bigint();
const formula = createExpressionObjective(FORMULA, { lower: -2, upper: 2 });
const buildSeconds = Number(process.hrtime.bigint() - built) / 1e9;
const hand = createDoubleWell();

const handSeconds = best(() => sweep(hand));
const formulaSeconds = best(() => sweep(formula));
const handRate = N / handSeconds;
const formulaRate = N / formulaSeconds;

console.log(`formula: f = ${FORMULA}; symbolic f' = ${formula.parsed.derivatives.join(', ')}`);
console.log(`parse + differentiate + compile + minimiser search: ${(buildSeconds * 1000).toFixed(0)} ms (${formula.search?.method})`);
console.log(`minimiser: formula ${formula.minimisers[0][0]} vs analytic ${hand.minimisers[0][0]}`);
console.log('| objective | value + gradient evaluations/s |');
console.log('| --- | --- |');
console.log(`| hand-written double well | ${handRate.toExponential(3)} |`);
console.log(`| mathjs-compiled formula | ${formulaRate.toExponential(3)} |`);
console.log(`speed ratio hand-written / mathjs: ${(handRate / formulaRate).toFixed(1)}× (load average ${loadavg()[0].toFixed(2)}; ${N} points, best of ${REPS})`);
if (sink === 42) console.log('');
