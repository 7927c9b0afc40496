/**
 * Benchmark of `qle check` on format 2 traces of a ResNet-32-sized network (464,154 weights in 95
 * tensors, the parameter shapes of SPEC §8's ResNet-32), written by a faithful core run
 * (sampleTraceV2, the `tensor` reading) to temporary files and checked in a fresh child process
 * each, so that the peak RSS is the checker's alone:
 *
 *   1. full vectors in a float64 sidecar: weights checked per second (every rule on every weight);
 *   2. one epoch (391 steps, every tensor) in sample mode, inline JSON: file size and check time;
 *   3. a trace of about --gb GiB (default 1; full vectors in the sidecar): peak RSS stays bounded.
 *
 *   npm run bench:check                       # all three (the v1 benchmark first)
 *   tsx bench/check-v2.bench.ts --full-steps 20 --gb 0.25 --sample 16
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile } from '../src/check/checker.ts';
import type { SampleRunV2Options } from '../src/check/sample-run.ts';
import type { TensorSpec } from '../src/core/learner.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** ResNet-32 (6n+2, n = 5; 16/32/64 channels; option-A shortcuts have no weights): 95 tensors, 464,154 weights. */
export function resnet32Tensors(): TensorSpec[] {
  const tensors: TensorSpec[] = [];
  const conv = (name: string, cin: number, cout: number) => tensors.push({ name: `${name}.weight`, size: cout * cin * 9 });
  const bn = (name: string, c: number) => tensors.push({ name: `${name}.weight`, size: c }, { name: `${name}.bias`, size: c });
  conv('conv1', 3, 16);
  bn('bn1', 16);
  let cin = 16;
  for (const [stage, c] of [16, 32, 64].entries()) {
    for (let block = 0; block < 5; block++) {
      const name = `layer${stage + 1}.${block}`;
      conv(`${name}.conv1`, cin, c);
      bn(`${name}.bn1`, c);
      conv(`${name}.conv2`, c, c);
      bn(`${name}.bn2`, c);
      cin = c;
    }
  }
  tensors.push({ name: 'linear.weight', size: 64 * 10 }, { name: 'linear.bias', size: 10 });
  return tensors;
}

async function write(file: string, lines: Iterable<string>): Promise<number> {
  const out = createWriteStream(file);
  let batch: string[] = [];
  let count = 0;
  const flush = async () => {
    if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
    batch = [];
  };
  for (const line of lines) {
    batch.push(line);
    count += 1;
    if (batch.length === 500) await flush();
  }
  if (batch.length > 0) await flush();
  out.end();
  await once(out, 'finish');
  return count - 1;
}

interface Measured {
  records: number;
  seconds: number;
  /** CPU seconds (user + system) of the check: the figure that does not depend on the machine's load. */
  cpuSeconds: number;
  exitCode: number;
  errors: number;
  maxRssKiB: number;
}

function checkInChild(file: string): Measured {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--phase', 'check', '--file', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`check phase failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

async function checkPhase(file: string): Promise<void> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await checkFile(file);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const measured: Measured = { records: result.records, seconds, cpuSeconds: (used.user + used.system) / 1e6, exitCode: result.exitCode, errors: result.errorCount, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}

const MiB = 2 ** 20;

async function main(): Promise<void> {
  const fileArg = process.argv.indexOf('--file');
  if (process.argv.includes('--phase')) return checkPhase(process.argv[fileArg + 1]);
  // The writing side (the core Learner, objectives) is loaded here only: a check child loads the checker alone.
  const [{ sampleTraceV2 }, { SidecarWriter }, { READINGS }] = await Promise.all([
    import('../src/check/sample-run.ts'),
    import('../src/check/writer.ts'),
    import('../src/core/reading.ts'),
  ]);
  const tensors = resnet32Tensors();
  const weights = tensors.reduce((n, t) => n + t.size, 0);
  const fullSteps = option('full-steps', 20);
  const gb = option('gb', 1);
  const sample = option('sample', 16);
  const epochSteps = option('epoch-steps', 391);
  const base: SampleRunV2Options = { steps: 0, tensors, reading: READINGS.tensor, lambda: 2 ** -10, noise: 0.1, objective: 'rastrigin' };
  const dir = mkdtempSync(join(tmpdir(), 'qle-bench-check-v2-'));
  console.log(`ResNet-32-sized model: ${tensors.length} tensors, ${weights.toLocaleString('en')} weights; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores, shared)`);
  try {
    // 1 and 3: full vectors in a sidecar. The 1 GiB run is also the throughput run when --full-steps is not smaller.
    const sidecarRun = async (name: string, steps: number) => {
      const file = join(dir, `${name}.jsonl`);
      const writer = new SidecarWriter(join(dir, `${name}.bin`), 'float64');
      await write(file, sampleTraceV2({ ...base, steps, sidecar: { writer, file: `${name}.bin` } }));
      writer.close();
      const bytes = statSync(file).size + statSync(join(dir, `${name}.bin`)).size;
      const m = checkInChild(file);
      rmSync(join(dir, `${name}.bin`));
      return { m, bytes, steps };
    };
    const full = await sidecarRun('full', fullSteps);
    const rate = (full.steps * weights) / full.m.seconds;
    const cpuRate = (full.steps * weights) / full.m.cpuSeconds;
    console.log(
      `full vectors (float64 sidecar, ${(full.bytes / MiB).toFixed(0)} MiB, ${full.steps} steps): ${Math.round(rate / 1e6)} M weights/s checked (${full.m.seconds.toFixed(2)} s wall; target ≥ 50 M/s: ${rate >= 50e6 ? 'met' : 'NOT met'}), ${Math.round(cpuRate / 1e6)} M weights per CPU-second (${full.m.cpuSeconds.toFixed(2)} s CPU), exit ${full.m.exitCode}`,
    );

    const sampled = join(dir, 'epoch.jsonl');
    await write(sampled, sampleTraceV2({ ...base, steps: epochSteps, sample }));
    const size = statSync(sampled).size;
    const e = checkInChild(sampled);
    console.log(
      `one epoch in sample mode (${epochSteps} steps × ${tensors.length} tensors, ${sample} components each): ${(size / MiB).toFixed(1)} MiB (target ≤ 100 MB: ${size <= 100e6 ? 'met' : 'NOT met'}), checked in ${e.seconds.toFixed(1)} s (target < 60 s: ${e.seconds < 60 ? 'met' : 'NOT met'}), exit ${e.exitCode}, peak RSS ${(e.maxRssKiB / 1024).toFixed(0)} MiB`,
    );
    rmSync(sampled);

    if (gb > 0) {
      const stepBytes = 3 * 8 * weights;
      const big = await sidecarRun('big', Math.max(1, Math.round((gb * 2 ** 30) / stepBytes)));
      console.log(
        `${(big.bytes / 2 ** 30).toFixed(2)} GiB trace (${big.steps} steps, full vectors): checked in ${big.m.seconds.toFixed(1)} s (${Math.round((big.steps * weights) / big.m.seconds / 1e6)} M weights/s wall, ${Math.round((big.steps * weights) / big.m.cpuSeconds / 1e6)} M per CPU-second), peak RSS ${(big.m.maxRssKiB / 1024).toFixed(0)} MiB, exit ${big.m.exitCode}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!process.env.QLE_BENCH_IMPORT) await main();
