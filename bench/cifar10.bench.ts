/**
 * CIFAR-10 training throughput per model on the loaded tfjs backend (tfjs-node when it loads,
 * else cpu): images/s of forward + backward + the core QSGD step (the path `qle cifar10` trains
 * with), and of inference, on synthetic 32×32×3 batches; then the estimated cost of the paper's full
 * Table 1 (4 optimizers × 9 learning rates × 10 runs × 100 epochs × 50,000 images on ResNet-32)
 * at the measured rate. Writes reports/cifar10/bench-<backend>.{json,md}.
 *
 * Usage: npm run bench:cifar [-- --seconds S]   (S: minimum timed seconds per model, default 15)
 *        npm run bench:cifar -- --render-only cpu   (re-render the markdown from the saved JSON)
 */
import * as tf from '../src/tfjs/tf.ts';
import { writeFileAtomic } from '../src/io/atomic-write.ts';
import { loadTf } from '../src/tfjs/backend.ts';
import { NUM_CLASSES } from '../src/tfjs/data.ts';
import { buildModel, fanFor, initializeWeights, inputShapeOf, trainableParams, type ModelName } from '../src/tfjs/models.ts';
import { QsgdOptimizer } from '../src/tfjs/optimizers.ts';
import { cpus, totalmem } from 'node:os';

function machine(): string {
  const list = cpus();
  return `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

const secondsArg = process.argv.indexOf('--seconds');
const minSeconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 15;

interface Measurement {
  model: ModelName;
  params: number;
  batch: number;
  trainImagesPerSecond: number;
  trainSteps: number;
  inferenceImagesPerSecond: number;
}

function batchFor(model: ModelName): number {
  // The conv nets train at well under 1 image/s on the cpu backend: small batches keep the bench short.
  return model === 'mlp' ? 128 : model === 'resnet8' ? 4 : 2;
}

function measure(modelName: ModelName): Measurement {
  const model = buildModel(modelName);
  initializeWeights(model, 1, fanFor(modelName));
  const batch = batchFor(modelName);
  const shape = inputShapeOf(modelName);
  const x = tf.randomUniform([batch, ...shape], -1, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % NUM_CLASSES), 'int32'), NUM_CLASSES);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new QsgdOptimizer(2 ** -6);
  optimizer.bind(variables);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
    optimizer.applyGradients(grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(); // warm-up (kernel set-up, first allocation)
  let steps = 0;
  const started = performance.now();
  while (performance.now() - started < minSeconds * 1000 || steps < 1) {
    step();
    steps++;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  let forwards = 0;
  const inferenceStarted = performance.now();
  while (performance.now() - inferenceStarted < (minSeconds * 1000) / 3 || forwards < 1) {
    tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    forwards++;
  }
  const inferenceSeconds = (performance.now() - inferenceStarted) / 1000;
  const result = {
    model: modelName,
    params: trainableParams(model),
    batch,
    trainImagesPerSecond: (steps * batch) / trainSeconds,
    trainSteps: steps,
    inferenceImagesPerSecond: (forwards * batch) / inferenceSeconds,
  };
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/** Paper's Table 1: 4 optimizers × 9 learning rates × 10 runs × 100 epochs × 50,000 training images (+ 10,000 test images per epoch). */
export function table1Hours(trainRate: number, inferenceRate: number): number {
  const runs = 4 * 9 * 10;
  const perRun = 100 * (50_000 / trainRate + 10_000 / inferenceRate);
  return (runs * perRun) / 3600;
}

/** Where the ResNet-8 training step spends its time (tf.profile kernel times, one step of 2 images). */
async function kernelShares(): Promise<{ kernel: string; share: number }[]> {
  const model = buildModel('resnet8');
  initializeWeights(model, 1, 'out');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 2);
  const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), NUM_CLASSES);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
  tf.dispose([x, y]);
  model.dispose();
  return [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([kernel, ms]) => ({ kernel, share: ms / total }));
}
type BenchSummary = {
  backend: string;
  machine: string;
  minSecondsPerModel: number;
  note: string;
  results: Measurement[];
  resnet8KernelShares: { kernel: string; share: number }[];
  table1: { runs: number; epochs: number; trainImages: number; testImages: number; estimatedHours: number; estimatedDays: number };
  measuredAt: string;
};

function renderMarkdown(summary: BenchSummary): string {
  const hours = summary.table1.estimatedHours;
  return [
    `# CIFAR-10 throughput, tfjs backend \`${summary.backend}\``,
    '',
    `${summary.machine}; one process; each model timed for at least ${summary.minSecondsPerModel} s after one warm-up step (${summary.measuredAt}). "train" = forward + backward + the core QSGD step (the path \`qle cifar10\` trains with); "inference" = predict only. Synthetic 32×32×3 inputs.`,
    '',
    '| model | trainable params | batch | train images/s | inference images/s |',
    '| --- | --- | --- | --- | --- |',
    ...summary.results.map((r) => `| ${r.model} | ${r.params.toLocaleString('en-US')} | ${r.batch} | ${r.trainImagesPerSecond.toFixed(2)} | ${r.inferenceImagesPerSecond.toFixed(2)} |`),
    '',
    `Where a ResNet-8 training step spends its kernel time: ${summary.resnet8KernelShares.map((k) => `${k.kernel} ${(100 * k.share).toFixed(0)}%`).join(', ')}.`,
    '',
    `Full Table 1 on ResNet-32 at this rate (4 optimizers × 9 learning rates × 10 runs × 100 epochs × (50,000 training + 10,000 test images)): **${Math.round(hours).toLocaleString('en-US')} hours ≈ ${(hours / 24 / 365.25).toFixed(0)} years** of one process.`,
    '',
  ].join('\n');
}

if (process.argv.includes('--render-only')) {
  // Re-render the markdown from the measured JSON (no new measurement).
  const { readFileSync } = await import('node:fs');
  const backendName = process.argv[process.argv.indexOf('--render-only') + 1] ?? 'cpu';
  const summary = JSON.parse(readFileSync(`reports/cifar10/bench-${backendName}.json`, 'utf8')) as BenchSummary;
  writeFileAtomic(`reports/cifar10/bench-${backendName}.md`, renderMarkdown(summary));
  process.stdout.write(renderMarkdown(summary));
  process.exit(0);
}

const { backend } = await loadTf();
const models: ModelName[] = ['mlp', 'resnet8', 'resnet32'];
const results: Measurement[] = [];
for (const m of models) {
  const r = measure(m);
  results.push(r);
  process.stderr.write(`${m}: ${r.trainImagesPerSecond.toFixed(2)} train images/s, ${r.inferenceImagesPerSecond.toFixed(2)} inference images/s\n`);
}
const shares = await kernelShares();
const resnet32 = results.find((r) => r.model === 'resnet32') as Measurement;
const hours = table1Hours(resnet32.trainImagesPerSecond, resnet32.inferenceImagesPerSecond);
const summary: BenchSummary = {
  backend,
  machine: machine(),
  minSecondsPerModel: minSeconds,
  note: 'one process; forward + backward + core QSGD step on synthetic batches; inference = predict only',
  results,
  resnet8KernelShares: shares,
  table1: { runs: 360, epochs: 100, trainImages: 50_000, testImages: 10_000, estimatedHours: hours, estimatedDays: hours / 24 },
  measuredAt: new Date().toISOString(),
};
writeFileAtomic(`reports/cifar10/bench-${backend}.json`, JSON.stringify(summary, null, 2) + '\n');
writeFileAtomic(`reports/cifar10/bench-${backend}.md`, renderMarkdown(summary));
process.stdout.write(renderMarkdown(summary));
