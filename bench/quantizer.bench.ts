/**
 * Benchmark (issue 2, "Performance"): quantizing 10^7 doubles in place with the core's quantizeInto
 * and with the wasm kernel (issue 14) against a plain Float64Array copy loop measured in the same
 * process (goal: ≥ 0.5 of copy speed), and the scheduler's cost per step at t = 10^1 … 10^7 (it
 * must not grow with t). Ends with the numpy comparison of bench/baselines.ts and its three ratio
 * lines. Run: npm run bench. Timings are best of REPS repetitions after a warm-up; ratios are what to read.
 */
import { makeGrid, quantizeInto, type QuantMode } from '../src/core/quantizer.ts';
import { createRng } from '../src/core/rng.ts';
import { boundTarget, REFERENCE_SCHEDULE, Scheduler } from '../src/core/schedule.ts';
import { kernels } from '../src/wasm/kernels.ts';
import { quantizeVectorInto } from '../src/wasm/quantize.ts';
import { printRatios } from './baselines.ts';

const N = 10_000_000;
const REPS = 5;

function best(run: () => void, reps = REPS): number {
  run(); // warm-up (JIT)
  let fastest = Infinity;
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

// Inputs spread over many cells of every grid below, ~N(0, 1) (far inside the exact range).
const rng = createRng(20261126);
const source = new Float64Array(N);
for (let i = 0; i < N; i++) source[i] = rng.normal();
const work = new Float64Array(N);

function copyLoop(src: Float64Array, dst: Float64Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i];
}
const copySeconds = best(() => copyLoop(source, work));

const rows: string[][] = [['grid', 'mode', 'implementation', 'elements/s', 'ratio to copy']];
rows.push(['(copy loop)', '', '', (N / copySeconds).toExponential(3), '1.000']);
const wasm = kernels();
// The kernel works in place in its own memory (where a population's arrays live).
const wasmWork = wasm ? wasm.float64(N) : null;
for (const [eta, base, p] of [[1, 2, 10], [3, 10, 3]] as const) {
  const grid = makeGrid(eta, base, p);
  for (const mode of ['round', 'floor'] as QuantMode[]) {
    for (const [name, array, quantize] of [
      ['quantizeInto (JS)', work, quantizeInto],
      ...(wasmWork ? [['wasm kernel', wasmWork, quantizeVectorInto] as const] : []),
    ] as const) {
      // in place: each repetition quantizes a fresh copy of the inputs; only the quantizer is timed
      let seconds = Infinity;
      quantize(source, 0, array, 0, N, grid, mode); // warm-up
      for (let r = 0; r < REPS; r++) {
        array.set(source);
        const start = process.hrtime.bigint();
        quantize(array, 0, array, 0, N, grid, mode);
        seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
      }
      rows.push([`η=${eta}, b=${base}, p=${p} (Q=${grid.Q})`, mode, name, (N / seconds).toExponential(3), (copySeconds / seconds).toFixed(3)]);
    }
  }
}

const CALLS = 1_000_000;
const scheduleRows: string[][] = [['t', 'Scheduler.tick ns/call', 'boundTarget ns/call']];
/** The core Scheduler with a clock the bench can set (the core's own has no setter on purpose). */
class TimedScheduler extends Scheduler {
  jumpTo(t: number): void {
    this.time = t;
  }
}
const scheduler = new TimedScheduler({ ...REFERENCE_SCHEDULE, p0: 0 }, { avoidVanishing: true, bound: true });
let sink = 0;
for (const t of [1e1, 1e3, 1e5, 1e7]) {
  const tickSeconds = best(() => {
    for (let i = 0; i < CALLS; i++) {
      scheduler.jumpTo(t); // the cost at this t, not at t + i
      scheduler.tick();
    }
  }, 3);
  const boundSeconds = best(() => {
    for (let i = 0; i < CALLS; i++) sink += boundTarget(t, REFERENCE_SCHEDULE);
  }, 3);
  scheduleRows.push([t.toExponential(0), ((tickSeconds / CALLS) * 1e9).toFixed(1), ((boundSeconds / CALLS) * 1e9).toFixed(1)]);
}

function printTable(title: string, table: string[][]): void {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log(`\n${title}`);
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

printTable(`quantizeInto, ${N.toExponential(0)} doubles in place (best of ${REPS}; goal: ratio ≥ 0.5)`, rows);
printTable(`scheduler cost per step (reference hyperparameters, best of 3 × ${CALLS.toExponential(0)} calls)`, scheduleRows);
if (sink === 0.5) console.log(''); // keep boundTarget's result alive

printRatios();
