/**
 * One training run ("cell" × seed) of the CIFAR-10 experiment (SPEC §8): cross-entropy, batch 128,
 * inputs (x/255 − 0.5)/0.5, no augmentation, no shuffle unless asked. After every epoch: test
 * top-1, one JSONL record, and an atomic checkpoint (weights, optimizer and scheduler state, history)
 * from which a killed run resumes without losing a finished epoch. Shuffling draws the permutation
 * of epoch e from deriveSeed(seed, e), so the rng needs no state of its own in the checkpoint.
 * A run whose loss or step becomes non-finite stops and is marked diverged (it counts as finished).
 */
import { RunTracer } from './trace.ts';
import { normalizeQuantization } from './names.ts';
import * as tf from './tf.ts';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { createRng, deriveSeed } from '../core/rng.ts';
import { IMAGE_SIZE, NUM_CLASSES, normalize, type Split } from './data.ts';
import { buildModel, fanFor, initializeWeights, inputShapeOf, type ModelName } from './models.ts';
import { makeOptimizer, type CoreOptimizer, type OptimizerName, type QuantizationConfig, DEFAULT_QUANTIZATION } from './optimizers.ts';
import { ADAM_DEFAULTS, type AdamHyper } from '../core/learning.ts';
import { QuantizerRangeError, resolution } from '../core/quantizer.ts';

export interface RunConfig {
  readonly model: ModelName;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly epochs: number;
  readonly seed: number;
  readonly batch: number;
  readonly shuffle: boolean;
  readonly quantization: QuantizationConfig;
  readonly adam: AdamHyper;
}

export { DEFAULT_BATCH } from './names.ts';
import { DEFAULT_BATCH } from './names.ts';

/** One line of the per-epoch JSONL log. */
export interface EpochRecord {
  readonly epoch: number;
  /** Mean training cross-entropy over the epoch's mini-batches. */
  readonly loss: number;
  /** Top-1 on the training images as they were seen during the epoch (running, training mode). */
  readonly trainAccuracy: number;
  /** Top-1 on the test subset after the epoch (inference mode). */
  readonly testAccuracy: number;
  /** Quantization index after the epoch: the global index, or min/max over tensors (null for SGD/ADAM). */
  readonly p: number | null;
  readonly pMaxTensor: number | null;
  /** Q_p = η·b^p of the (smallest) index p. */
  readonly Q: number | null;
  /** Scheduler time t after the epoch. */
  readonly t: number | null;
  /** Fraction of the epoch's steps whose quantized update vanished at the starting index (B.2a's trigger). */
  readonly vanishingFraction: number | null;
  /** B.2a index raises during the epoch. */
  readonly raises: number | null;
  /** Fraction of weight updates quantized to exactly zero over the epoch (weights that did not move). */
  readonly zeroUpdateFraction: number | null;
  /** The loss or a step became non-finite (or left the quantizer's exact range): training stopped here. */
  readonly diverged: boolean;
  readonly steps: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

interface Checkpoint {
  readonly config: RunConfig;
  readonly history: EpochRecord[];
  readonly master: string;
  /** The core learner's state (LearnerState, typed arrays in base64). */
  readonly learner: { steps: number; adam?: { m: string; v: string; step: number }; scheduler?: { p: number[]; t: number } };
  readonly nonTrainable: { name: string; values: string }[];
}

const toBase64 = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const f64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const f32 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Paths of one run's files. */
export interface RunFiles {
  readonly log: string;
  readonly checkpoint: string;
}

export interface TrainHooks {
  /** After every optimizer step (for a progress bar). */
  onStep?: () => void;
  /** After every epoch, once its record and checkpoint are written. */
  onEpoch?: (record: EpochRecord) => void;
  /** Test hook: stop after this many epochs of this call, as if killed after the checkpoint. */
  stopAfterEpochs?: number;
  /** Write a format 2 trace of every step here (a fresh quantized run only). */
  trace?: string;
}

/** Read a finished or partial history from a run's JSONL log (empty when there is none). */
export function readLog(path: string): EpochRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EpochRecord);
}

/**
 * Two run configurations train the same run: equal field by field (key order aside, legacy
 * quantization fields read as a reading), and for SGD/ADAM, which never quantize, whatever their
 * quantization settings say.
 */
export function sameConfig(a: RunConfig, b: RunConfig): boolean {
  return canonical(a) === canonical(b);
}

function canonical(config: RunConfig): string {
  const quantized = config.optimizer === 'qsgd' || config.optimizer === 'qtadam';
  const { quantization, ...rest } = config;
  return stableJson({ ...rest, quantization: quantized ? normalizeQuantization(quantization) : null });
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Top-1 of the model on a split, in inference mode, in batches. */
export function evaluate(model: tf.LayersModel, x: Float32Array, labels: Uint8Array, shape: number[], batch = 500): number {
  let correct = 0;
  const count = labels.length;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const predicted = tf.tidy(() => {
      const input = tf.tensor(x.subarray(start * IMAGE_SIZE, (start + n) * IMAGE_SIZE), [n, ...shape]);
      return tf.argMax(model.predict(input) as tf.Tensor, -1).dataSync();
    });
    for (let i = 0; i < n; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / count;
}

/**
 * Train one run to config.epochs, resuming from files.checkpoint when it holds the same config.
 * Returns the full history (one record per finished epoch).
 */
export async function trainRun(config: RunConfig, train: Split, test: Split, files: RunFiles, hooks: TrainHooks = {}): Promise<EpochRecord[]> {
  const model = buildModel(config.model);
  initializeWeights(model, config.seed, fanFor(config.model));
  const optimizer = makeOptimizer(config.optimizer, config.lr, config.quantization, config.adam);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  optimizer.bind(trainable);
  const nonTrainable = model.weights.filter((w) => !w.trainable);
  let history: EpochRecord[] = [];

  if (existsSync(files.checkpoint)) {
    const saved = JSON.parse(readFileSync(files.checkpoint, 'utf8')) as Checkpoint;
    if (!sameConfig(saved.config, config)) {
      throw new Error(`checkpoint ${files.checkpoint} was written by a different configuration; remove it or choose another --run`);
    }
    const { learner } = saved;
    optimizer.setState({
      master: f64(saved.master),
      learner: { steps: learner.steps, adam: learner.adam && { m: f64(learner.adam.m), v: f64(learner.adam.v), step: learner.adam.step }, scheduler: learner.scheduler },
    });
    saved.nonTrainable.forEach(({ name, values }) => {
      const weight = nonTrainable.find((w) => w.originalName === name);
      if (!weight) throw new Error(`checkpoint weight ${name} not in the model`);
      weight.write(tf.tensor(f32(values), weight.shape as number[]));
    });
    history = saved.history;
  }

  let tracer: RunTracer | undefined;
  if (hooks.trace) {
    if (history.length > 0) throw new Error(`--trace needs a fresh run, but ${files.checkpoint} resumes one; remove it or choose another --run`);
    tracer = new RunTracer(hooks.trace, optimizer.learner, `qle cifar10 (${config.model}, ${config.optimizer}, λ = ${config.lr}, seed ${config.seed})`);
    optimizer.onStep = (t, report, learner, master) => tracer!.step(t, report, learner, master);
  }

  const shape = inputShapeOf(config.model);
  const x = normalize(train.images);
  const testX = normalize(test.images);
  const labels = train.labels;
  const count = train.count;
  const order = new Int32Array(count);
  const batchX = new Float32Array(config.batch * IMAGE_SIZE);
  const batchY = new Int32Array(config.batch);
  let epochsThisCall = 0;

  const finished = () => history.length >= config.epochs || (history.length > 0 && history[history.length - 1].diverged);
  while (!finished()) {
    const epoch = history.length + 1;
    for (let i = 0; i < count; i++) order[i] = i;
    if (config.shuffle) {
      const rng = createRng(deriveSeed(config.seed, epoch));
      for (let i = count - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    optimizer.resetStats();
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let steps = 0;
    let diverged = false;
    for (let start = 0; start < count && !diverged; start += config.batch) {
      const n = Math.min(config.batch, count - start);
      for (let i = 0; i < n; i++) {
        const index = order[start + i];
        batchX.set(x.subarray(index * IMAGE_SIZE, (index + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
        batchY[i] = labels[index];
      }
      const input = tf.tensor(batchX.subarray(0, n * IMAGE_SIZE), [n, ...shape]);
      const target = tf.oneHot(tf.tensor1d(batchY.subarray(0, n), 'int32'), NUM_CLASSES);
      let predicted: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(input, { training: true }) as tf.Tensor;
        predicted = tf.keep(tf.argMax(logits, -1));
        return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
      }, trainable);
      const loss = value.dataSync()[0];
      try {
        if (!Number.isFinite(loss)) throw new QuantizerRangeError(loss, NaN, 'non-finite loss');
        optimizer.applyGradients(grads);
      } catch (error) {
        if (!(error instanceof QuantizerRangeError)) throw error;
        diverged = true;
      }
      lossSum += loss;
      const guess = (predicted as tf.Tensor).dataSync();
      for (let i = 0; i < n; i++) if (guess[i] === batchY[i]) correct++;
      tf.dispose([input, target, value, predicted as tf.Tensor, ...Object.values(grads)]);
      steps++;
      hooks.onStep?.();
    }
    optimizer.afterEpoch();
    const stats = optimizer.resetStats();
    const testAccuracy = evaluate(model, testX, test.labels, shape);
    const seconds = (performance.now() - started) / 1000;
    const scheduler = optimizer.learner.scheduler;
    const pMin = scheduler ? Math.min(...scheduler.indices) : null;
    const record: EpochRecord = {
      epoch,
      loss: lossSum / steps,
      trainAccuracy: correct / count,
      testAccuracy,
      p: pMin,
      pMaxTensor: scheduler ? Math.max(...scheduler.indices) : null,
      Q: scheduler && pMin !== null ? resolution(scheduler.params.eta, scheduler.params.base, pMin) : null,
      t: scheduler ? scheduler.t : null,
      vanishingFraction: scheduler && stats.steps > 0 ? stats.vanishedSteps / stats.steps : null,
      raises: scheduler ? stats.raises : null,
      zeroUpdateFraction: scheduler && stats.steps > 0 ? stats.zeroUpdates / (stats.steps * optimizer.size) : null,
      diverged,
      steps,
      seconds,
      imagesPerSecond: count / seconds,
    };
    history = [...history, record];
    saveCheckpoint(files.checkpoint, config, history, optimizer, nonTrainable);
    writeFileAtomic(files.log, history.map((r) => JSON.stringify(r)).join('\n') + '\n');
    hooks.onEpoch?.(record);
    epochsThisCall++;
    if (hooks.stopAfterEpochs !== undefined && epochsThisCall >= hooks.stopAfterEpochs) break;
  }
  tracer?.finish();
  model.dispose();
  optimizer.dispose();
  return history;
}

function saveCheckpoint(path: string, config: RunConfig, history: EpochRecord[], optimizer: CoreOptimizer, nonTrainable: tf.LayerVariable[]): void {
  const state = optimizer.getState();
  const checkpoint: Checkpoint = {
    config,
    history,
    master: toBase64(state.master),
    learner: {
      steps: state.learner.steps,
      adam: state.learner.adam && { m: toBase64(state.learner.adam.m), v: toBase64(state.learner.adam.v), step: state.learner.adam.step },
      scheduler: state.learner.scheduler && { p: [...state.learner.scheduler.p], t: state.learner.scheduler.t },
    },
    nonTrainable: nonTrainable.map((w) => ({ name: w.originalName, values: toBase64(w.read().dataSync() as Float32Array) })),
  };
  writeFileAtomic(path, JSON.stringify(checkpoint));
}

export function defaultRunConfig(partial: Partial<RunConfig> & Pick<RunConfig, 'model' | 'optimizer' | 'lr' | 'epochs' | 'seed'>): RunConfig {
  return { batch: DEFAULT_BATCH, shuffle: false, quantization: DEFAULT_QUANTIZATION, adam: ADAM_DEFAULTS, ...partial };
}
