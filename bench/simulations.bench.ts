/**
 * Simulation throughput (issue 3): particle-steps per second (one particle-step = one run advanced
 * by one step, i.e. one gradient evaluation plus the update) for the proposed QSGD on 2-D
 * Rastrigin, and how the cost grows with runs, dimension and steps. Ratios are measured within
 * one run of this script. Times are CPU seconds of this process (process.cpuUsage: user + system),
 * so "per second" means per second of one core even when the machine is shared; the wall-clock
 * figure of the headline case is printed next to it. The wasm kernels are on (the default); the
 * run ends with the numpy comparison of bench/baselines.ts and its three ratio lines.
 *
 *   npm run bench:sim            (QLE_BENCH_SCALE=0.25 for a quick look)
 */
import { createObjective } from '../src/core/objectives/index.ts';
import { withKernels } from '../src/wasm/kernels.ts';
import { problemHyper } from '../simulations/hyper.ts';
import { printRatios } from './baselines.ts';
import { createOptimizer } from '../simulations/optimizers/index.ts';
import { Population, studySeeds } from '../simulations/population.ts';
import { specFor } from '../simulations/roster.ts';
import { runCell } from '../simulations/runner.ts';

const SCALE = Number(process.env.QLE_BENCH_SCALE ?? 1);
const SEED = 7;

/** Seconds for `steps` steps of a roster optimizer over a fresh population (setup excluded). */
function timeSteps(optimizer: string, objective: string, dims: number, runs: number, steps: number): number {
  const problem = { objective, dims };
  const hyper = problemHyper(problem);
  const population = new Population(createObjective(objective, dims), runs, studySeeds(SEED, 0, 0));
  const stepper = createOptimizer(specFor(optimizer, { ...hyper, steps }), population);
  return cpuSeconds(() => {
    for (let t = 0; t < steps; t++) stepper.step(t);
  });
}

let lastWall = 0;
/** CPU seconds (user + system) spent by f; the wall time goes to lastWall. */
function cpuSeconds(f: () => void): number {
  const wall = performance.now();
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  lastWall = (performance.now() - wall) / 1000;
  return (used.user + used.system) / 1e6;
}

function best(times: number, f: () => number): number {
  let min = Infinity;
  for (let i = 0; i < times; i++) min = Math.min(min, f());
  return min;
}

const rate = (particleSteps: number, seconds: number) => `${(particleSteps / seconds / 1e6).toFixed(2)} M particle-steps/s`;
const runs0 = Math.max(64, Math.round(1024 * SCALE));
const steps0 = Math.max(200, Math.round(5000 * SCALE));

console.log(`# simulations benchmark (node ${process.version}, one thread, CPU time, best of 5 after a warm-up)`);
console.log('\n## QSGD (proposed, Langevin κ) on 2-D Rastrigin');
timeSteps('qsgd-lgv', 'rastrigin', 2, runs0, steps0); // warm-up: JIT, hyperparameter rules
const headline = best(5, () => timeSteps('qsgd-lgv', 'rastrigin', 2, runs0, steps0));
console.log(`optimizer steps only, ${runs0} runs × ${steps0} steps: ${rate(runs0 * steps0, headline)} per core (CPU time; last repeat's wall clock: ${rate(runs0 * steps0, lastWall)})`);
const reference = best(5, () => timeSteps('qsgd-ref', 'rastrigin', 2, runs0, steps0));
console.log(`qsgd-ref (reference κ, C): ${rate(runs0 * steps0, reference)}`);
const gd = best(5, () => timeSteps('gd', 'rastrigin', 2, runs0, steps0));
console.log(`gd for comparison: ${rate(runs0 * steps0, gd)}`);

// With the runner's diagnostics (checkpoints, vanishing and annealing-bound counts).
const hyper = problemHyper({ objective: 'rastrigin', dims: 2 });
const cell = {
  study: 'bench',
  index: 0,
  problemIndex: 0,
  problem: { objective: 'rastrigin', dims: 2 },
  optimizer: 'qsgd-lgv',
  spec: specFor('qsgd-lgv', { ...hyper, steps: steps0 }),
  runs: runs0,
  steps: steps0,
  seed: SEED,
  delta: 0.1,
  epsilon: 0.01,
  targets: [10, 1, 0.1, 0.01],
  labels: {},
};
const withDiagnostics = best(3, () => cpuSeconds(() => runCell(cell)));
console.log(`full runner runCell (setup of ${runs0} seeded generators, metrics, diagnostics): ${rate(runs0 * steps0, withDiagnostics)}`);

// Where the time goes: the population's gradient (kernel + divergence guard) vs the learner's step.
for (const enabled of [true, false]) {
  withKernels(enabled, () => {
    const population = new Population(createObjective('rastrigin', 2), runs0, studySeeds(SEED, 0, 0));
    const stepper = createOptimizer(specFor('qsgd-lgv', { ...hyper, steps: steps0 }), population);
    const learner = stepper.learner!;
    let gradient = 0;
    let step = 0;
    for (let t = 0; t < steps0; t++) {
      const a = performance.now();
      const g = population.gradient(hyper.lambda);
      const b = performance.now();
      learner.step(population.w, g);
      step += performance.now() - b;
      gradient += b - a;
    }
    const total = gradient + step;
    console.log(
      `split (${enabled ? 'wasm kernels' : 'JS, QLE_WASM=0'}): gradient + guard ${((100 * gradient) / total).toFixed(0)}%, learner step (${learner.passKind} pass, B.2b, clock) ${((100 * step) / total).toFixed(0)}% ` +
        `(${rate(runs0 * steps0, step / 1000)} for the learner step alone)`,
    );
  });
}

console.log('\n## Scaling of QSGD (should be linear in runs, dimension and steps)');
console.log('| varied | value | seconds | ns per particle-step | ns per particle-step per dim |');
console.log('| --- | --- | --- | --- | --- |');
const row = (varied: string, value: number, runs: number, dims: number, steps: number) => {
  const seconds = best(2, () => timeSteps('qsgd-lgv', 'rastrigin', dims, runs, steps));
  const perStep = (1e9 * seconds) / (runs * steps);
  console.log(`| ${varied} | ${value} | ${seconds.toFixed(3)} | ${perStep.toFixed(1)} | ${(perStep / dims).toFixed(1)} |`);
};
for (const runs of [256, 1024, 4096]) row('runs', Math.round(runs * SCALE), Math.max(16, Math.round(runs * SCALE)), 2, steps0);
for (const dims of [1, 2, 4, 8, 16]) row('dims', dims, runs0, dims, steps0);
for (const steps of [1000, 2000, 4000, 8000]) row('steps', Math.round(steps * SCALE), runs0, 2, Math.max(100, Math.round(steps * SCALE)));

printRatios();
