/**
 * qle against numpy (and PyTorch where importable) in one run (issue 14): the exact quantizer and
 * QSGD on 2-D Rastrigin from a fresh start ("cold", where B.2a raises happen) and after it
 * ("steady"). The baselines are bench/baselines/numpy_qsgd.py run by /usr/bin/python3 as a child of
 * this process, on the same starts; times are CPU seconds (one core each), best of REPEATS.
 *
 * Both `npm run bench` and `npm run bench:sim` end with the three ratio lines (qle ÷ numpy, same run):
 *   quantize-vs-numpy: <ratio>
 *   qsgd-steady-vs-numpy: <ratio>
 *   qsgd-cold-vs-numpy: <ratio>
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createObjective } from '../src/core/objectives/index.ts';
import { makeGrid } from '../src/core/quantizer.ts';
import { kernels, withKernels } from '../src/wasm/kernels.ts';
import { quantizeVectorInto } from '../src/wasm/quantize.ts';
import { problemHyper } from '../simulations/hyper.ts';
import { createOptimizer, type PopulationOptimizer } from '../simulations/optimizers/index.ts';
import { Population, studySeeds } from '../simulations/population.ts';
import { specFor } from '../simulations/roster.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./baselines/numpy_qsgd.py', import.meta.url));
const SCALE = Number(process.env.QLE_BENCH_SCALE ?? 1);
const REPEATS = 5;

/** CPU seconds (user + system) of f. */
function cpuSeconds(f: () => void): number {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

function best(repeats: number, f: () => number): number {
  let min = Infinity;
  for (let i = 0; i < repeats; i++) min = Math.min(min, f());
  return min;
}

interface PythonResult {
  numpy: string;
  torch: string | null;
  numpySeconds: number | { cold: number; steady: number };
  torchSeconds?: number | { cold: number; steady: number };
}

/** Runs the baseline script; null (with the reason printed) when python3 or numpy is missing. */
function python(request: object): PythonResult | null {
  if (!existsSync(PYTHON)) {
    console.log(`(baselines skipped: ${PYTHON} not found)`);
    return null;
  }
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) {
    console.log(`(baselines failed: ${run.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(run.stdout) as PythonResult;
}

const rate = (count: number, seconds: number) => (count / seconds / 1e6).toFixed(1);

export interface Ratio {
  readonly name: string;
  readonly value: number | null;
}

/** The exact quantizer (round, η = 1, b = 2, p = 10) on N doubles in the kernels' memory vs numpy's floor(Q·x + ½)/Q. */
export function quantizeVsNumpy(): Ratio {
  const n = 1 << 17;
  const calls = Math.max(20, Math.round(400 * SCALE));
  const grid = makeGrid(1, 2, 10);
  const k = kernels();
  if (!k) throw new Error('the benchmark compares the wasm kernels: unset QLE_WASM');
  const source = k.float64(n);
  const target = k.float64(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    // Box–Muller from a fixed LCG: N(0, 1) inputs spread over many cells.
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = (seed + 1) / 2147483649;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    source[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos((2 * Math.PI * seed) / 2147483648);
  }
  const plainSource = Float64Array.from(source);
  const plainTarget = new Float64Array(n);
  const time = (f: () => void) => {
    f();
    return (
      best(REPEATS, () =>
        cpuSeconds(() => {
          for (let c = 0; c < calls; c++) f();
        }),
      ) / calls
    );
  };
  const wasm = time(() => quantizeVectorInto(source, 0, target, 0, n, grid, 'round'));
  const js = withKernels(false, () => time(() => quantizeVectorInto(plainSource, 0, plainTarget, 0, n, grid, 'round')));
  const baseline = python({ task: 'quantize', n, Q: grid.Q, seed: 1, calls, repeats: REPEATS });
  console.log(`\n## Exact quantizer, round, Q = 2^10, ${n} doubles (in cache), M elements/s (CPU time, best of ${REPEATS})`);
  console.log('| implementation | M elements/s | ratio to numpy |');
  console.log('| --- | --- | --- |');
  const numpy = baseline ? (baseline.numpySeconds as number) : null;
  const row = (name: string, seconds: number) => console.log(`| ${name} | ${rate(n, seconds)} | ${numpy ? (numpy / seconds).toFixed(2) : 'n/a'} |`);
  row('qle wasm kernel (quantizeVectorInto, arrays in wasm memory)', wasm);
  row('qle JS (quantizeInto, QLE_WASM=0)', js);
  if (baseline && numpy) {
    row(`numpy ${baseline.numpy} floor(Q·x + ½)/Q, out= buffers`, numpy);
    if (baseline.torchSeconds) row(`PyTorch ${baseline.torch}, same, out= buffers, 1 thread`, baseline.torchSeconds as number);
  }
  return { name: 'quantize-vs-numpy', value: numpy ? numpy / wasm : null };
}

/**
 * QSGD (the roster's qsgd-lgv: paper reading, B.2a and B.2b, Langevin κ) on 2-D Rastrigin, RUNS
 * runs: steps 0 … S−1 from the seeded starts ("cold") then S … 2S−1 ("steady"); particle-steps/s.
 */
export function qsgdVsNumpy(): Ratio[] {
  const runs = Math.max(1000, Math.round(100_000 * SCALE));
  const steps = 200;
  const problem = { objective: 'rastrigin', dims: 2 };
  const hyper = problemHyper(problem);
  const spec = specFor('qsgd-lgv', { ...hyper, steps: 2 * steps });
  if (spec.kind !== 'proposed') throw new Error('qsgd-lgv is a proposed optimizer');
  // Seeding a population's generators costs far more than the steps timed here: each mode builds
  // one population and resets it (starts, divergence flags) for every repetition.
  const base = new Population(createObjective('rastrigin', 2), runs, studySeeds(7, 0, 0));
  const starts = Float64Array.from(base.w);
  const reset = (population: Population) => {
    population.w.set(starts);
    population.diverged.fill(0);
    population.divergedCount = 0;
    population.evaluations = 0;
    return { population, optimizer: createOptimizer(spec, population) as PopulationOptimizer };
  };
  const timed = (population: Population) => {
    const phases = () => {
      const { optimizer } = reset(population);
      const cold = cpuSeconds(() => {
        for (let t = 0; t < steps; t++) optimizer.step(t);
      });
      const steady = cpuSeconds(() => {
        for (let t = steps; t < 2 * steps; t++) optimizer.step(t);
      });
      return { cold, steady, population, optimizer };
    };
    phases(); // warm-up: JIT and the kernels' memory
    let cold = Infinity;
    let steady = Infinity;
    let last: ReturnType<typeof phases> | undefined;
    for (let r = 0; r < REPEATS; r++) {
      last = phases();
      cold = Math.min(cold, last.cold);
      steady = Math.min(steady, last.steady);
    }
    return { cold, steady, last: last as ReturnType<typeof phases> };
  };
  const wasm = timed(base);
  const finalW = Float64Array.from(wasm.last.population.w);
  const finalP = Int32Array.from(wasm.last.optimizer.learner!.scheduler!.indices);
  const schedule = wasm.last.optimizer.schedule;
  const js = withKernels(false, () => timed(new Population(createObjective('rastrigin', 2), runs, studySeeds(7, 0, 0))));
  const scratch = mkdtempSync(join(tmpdir(), 'qle-bench-'));
  let baseline: PythonResult | null;
  let agreement = '';
  try {
    const startsFile = join(scratch, 'starts.f64');
    const snapped = Float64Array.from(reset(base).population.w); // prepare() put the starts on G_{p_0}
    writeFileSync(startsFile, new Uint8Array(snapped.buffer));
    const resultFile = join(scratch, 'numpy');
    const objective = createObjective('rastrigin', 2);
    const width = objective.upper - objective.lower;
    baseline = python({
      task: 'qsgd',
      runs,
      steps,
      repeats: REPEATS,
      lambda: spec.lambda,
      schedule,
      low: objective.lower - 10 * width,
      high: objective.upper + 10 * width,
      startsFile,
      resultFile,
    });
    if (baseline) {
      // The same algorithm on the same starts: runs whose final w and p match qle's bit for bit
      // (numpy's sin differs from qle's in the last bits, which moves a few runs across a cell boundary).
      const w = new Float64Array(readFileSync(`${resultFile}.w`).buffer.slice(0));
      const p = new Int32Array(readFileSync(`${resultFile}.p`).buffer.slice(0));
      let same = 0;
      for (let r = 0; r < runs; r++) if (w[2 * r] === finalW[2 * r] && w[2 * r + 1] === finalW[2 * r + 1] && p[r] === finalP[r]) same++;
      agreement = `${same} of ${runs} runs end with bit-identical w and p in qle and numpy`;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const numpy = baseline ? (baseline.numpySeconds as { cold: number; steady: number }) : null;
  const count = runs * steps;
  console.log(
    `\n## QSGD (qsgd-lgv, paper reading) on 2-D Rastrigin, ${runs} runs × ${steps} steps per phase, M particle-steps/s (CPU time, best of ${REPEATS})`,
  );
  console.log('| implementation | cold (t = 0 … 199, B.2a raises) | steady (t = 200 … 399) | cold ÷ numpy | steady ÷ numpy |');
  console.log('| --- | --- | --- | --- | --- |');
  const row = (name: string, t: { cold: number; steady: number }) =>
    console.log(
      `| ${name} | ${rate(count, t.cold)} | ${rate(count, t.steady)} | ${numpy ? (numpy.cold / t.cold).toFixed(2) : 'n/a'} | ${numpy ? (numpy.steady / t.steady).toFixed(2) : 'n/a'} |`,
    );
  row('qle, wasm kernels (default)', wasm);
  row('qle, JS (QLE_WASM=0)', js);
  if (baseline && numpy) {
    row(`numpy ${baseline.numpy}`, numpy);
    if (baseline.torchSeconds) row(`PyTorch ${baseline.torch}, 1 thread`, baseline.torchSeconds as { cold: number; steady: number });
    console.log(agreement);
  }
  return [
    { name: 'qsgd-steady-vs-numpy', value: numpy ? numpy.steady / wasm.steady : null },
    { name: 'qsgd-cold-vs-numpy', value: numpy ? numpy.cold / wasm.cold : null },
  ];
}

/** Measures the three ratios and prints them as the last lines. */
export function printRatios(): void {
  const ratios = [quantizeVsNumpy(), ...qsgdVsNumpy()];
  console.log('');
  for (const { name, value } of ratios) console.log(`${name}: ${value === null ? 'n/a (no numpy baseline)' : value.toFixed(2)}`);
}
