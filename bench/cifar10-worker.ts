/**
 * One measurement of `npm run bench:cifar`, in its own process so that its peak RSS is its own:
 * training images/s (forward + backward + the core QSGD step, the path `qle cifar10` trains with)
 * and inference images/s (predict in batches of 500, as the per-epoch test pass) of one model at
 * one batch size on one tfjs backend, on synthetic 32×32×3 batches. Prints one JSON line.
 *
 *   tsx bench/cifar10-worker.ts --backend wasm --model resnet32 --batch 128 --seconds 20 [--test-batch 500] [--profile]
 *   tsx bench/cifar10-worker.ts --backend wasm --model resnet32 --batch 384 --probe   (two steps; exit 0 if it trains)
 */
import * as tf from '../src/tfjs/tf.ts';
import { loadTf } from '../src/tfjs/backend.ts';
import { NUM_CLASSES } from '../src/tfjs/data.ts';
import { buildModel, fanFor, initializeWeights, inputShapeOf, trainableParams, type ModelName } from '../src/tfjs/models.ts';
import { makeOptimizer } from '../src/tfjs/optimizers.ts';
import { DEFAULT_QUANTIZATION, type BackendChoice } from '../src/tfjs/names.ts';
import { ADAM_DEFAULTS } from '../src/core/learning.ts';
import { profileKernels, type KernelTime } from './kernel-profile.ts';

export interface WorkerResult {
  readonly backend: string;
  readonly model: ModelName;
  readonly params: number;
  readonly batch: number;
  readonly trainSteps: number;
  readonly trainImagesPerSecond: number;
  /** Training images per second of this process's CPU time (less sensitive to other jobs on the machine). */
  readonly trainImagesPerCpuSecond: number;
  readonly inferenceImagesPerSecond: number;
  readonly inferenceImagesPerCpuSecond: number;
  readonly peakRssMiB: number;
  readonly kernels?: KernelTime[];
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

const choice = (option('backend') ?? 'wasm') as BackendChoice;
const modelName = (option('model') ?? 'resnet32') as ModelName;
const batch = Number(option('batch') ?? 128);
const minSeconds = Number(option('seconds') ?? 20);
const probe = process.argv.includes('--probe');

const { backend } = await loadTf({ backend: choice, quiet: true }).catch((error: unknown) => {
  // A backend that is not installed (tfjs-node) is a result, not a crash: one JSON line for the bench.
  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }) + '\n');
  process.exit(3);
});
const model = buildModel(modelName);
initializeWeights(model, 1, fanFor(modelName));
const shape = inputShapeOf(modelName);
const x = tf.randomUniform([batch, ...shape], -1, 1, 'float32', 1);
const y = tf.oneHot(
  tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % NUM_CLASSES),
    'int32',
  ),
  NUM_CLASSES,
);
const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
const optimizer = makeOptimizer('qsgd', 2 ** -6, DEFAULT_QUANTIZATION, ADAM_DEFAULTS);
optimizer.bind(variables);

function step(apply = true): void {
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  if (apply) optimizer.applyGradients(grads);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

step(); // warm-up: kernel set-up, first allocations
if (probe) {
  step();
  process.stdout.write(JSON.stringify({ backend, model: modelName, batch, ok: true, peakRssMiB: peakRssMiB() }) + '\n');
  process.exit(0);
}

let steps = 0;
const wallStart = performance.now();
const cpuStart = cpuSeconds();
while (performance.now() - wallStart < minSeconds * 1000 || steps < 1) {
  step();
  steps++;
}
const wall = (performance.now() - wallStart) / 1000;
const cpu = cpuSeconds() - cpuStart;

const testBatch = Number(option('test-batch') ?? 500);
const testX = tf.randomUniform([testBatch, ...shape], -1, 1, 'float32', 2);
let forwards = 0;
const inferenceStart = performance.now();
const inferenceCpuStart = cpuSeconds();
while (performance.now() - inferenceStart < (minSeconds * 1000) / 4 || forwards < 1) {
  tf.tidy(() => tf.argMax(model.predict(testX) as tf.Tensor, -1).dataSync());
  forwards++;
}
const inferenceSeconds = (performance.now() - inferenceStart) / 1000;
const inferenceCpu = cpuSeconds() - inferenceCpuStart;

const kernels = process.argv.includes('--profile') ? profileKernels(backend, () => step(false)).kernels.slice(0, 8) : undefined;

const result: WorkerResult = {
  backend,
  model: modelName,
  params: trainableParams(model),
  batch,
  trainSteps: steps,
  trainImagesPerSecond: (steps * batch) / wall,
  trainImagesPerCpuSecond: (steps * batch) / cpu,
  inferenceImagesPerSecond: (forwards * testBatch) / inferenceSeconds,
  inferenceImagesPerCpuSecond: (forwards * testBatch) / inferenceCpu,
  peakRssMiB: peakRssMiB(),
  ...(kernels ? { kernels } : {}),
};
process.stdout.write(JSON.stringify(result) + '\n');
