/**
 * The names and defaults of the CIFAR-10 experiment, free of any tfjs import, so the CLI can parse
 * and validate options without loading TensorFlow.js (models.ts and optimizers.ts re-export them).
 */
import { cacheDir } from '../io/cache-dir.ts';
import { READINGS, type Reading } from '../core/reading.ts';
import { REFERENCE_SCHEDULE, type AlgorithmSwitches, type KappaChoice, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';

export const MODEL_NAMES = ['resnet32', 'resnet20', 'resnet8', 'mlp'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const OPTIMIZER_NAMES = ['qsgd', 'qtadam', 'sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
/** The paper's names of the optimizers (Table 1's columns). */
export const DISPLAY: Readonly<Record<OptimizerName, string>> = Object.freeze({ adam: 'ADAM', qtadam: 'QtADAM', sgd: 'SGD', qsgd: 'QSGD' });

/**
 * Which TensorFlow.js backend trains: `auto` takes the first that loads of tensorflow
 * (@tensorflow/tfjs-node, optional), wasm (@tensorflow/tfjs-backend-wasm with qle's training
 * kernels) and cpu (pure JS, slow for convolutions).
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The environment variable that picks the backend when --backend is not given. */
export const BACKEND_ENV = 'QLE_TFJS_BACKEND';

/** A backend that cannot be used as asked (bad QLE_TFJS_BACKEND, forced backend missing): one line for the user. */
export class BackendChoiceError extends Error {
  override name = 'BackendChoiceError';
}

/** The backend asked for: the explicit choice, else QLE_TFJS_BACKEND, else auto. */
export function backendChoice(explicit?: BackendChoice, fromEnv: string | undefined = process.env[BACKEND_ENV]): BackendChoice {
  if (explicit) return explicit;
  if (fromEnv === undefined || fromEnv === '') return 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(fromEnv)) {
    throw new BackendChoiceError(`${BACKEND_ENV} must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(fromEnv)}`);
  }
  return fromEnv as BackendChoice;
}

/** SPEC §8: mini-batch 128. */
export const DEFAULT_BATCH = 128;

/** "2^-6" for powers of two, the decimal otherwise. */
export function lrLabel(lr: number): string {
  const k = Math.log2(lr);
  return Number.isInteger(k) ? `2^${k}` : String(lr);
}

/** The file name (without extension) of one run's log and checkpoint. */
export function cellName(optimizer: OptimizerName, lr: number, seed: number): string {
  return `${optimizer}_lr${lrLabel(lr).replace('^', '')}_seed${seed}`;
}

export const DEFAULT_RUNS_DIR = cacheDir('cifar10-runs');

/** How QSGD / QtADAM quantize (SPEC §6, §7). */
export interface QuantizationConfig {
  /** The B.2a reading (granularity over tensors, vanishing test, cap) and the quantizer's mode. */
  readonly reading: Reading;
  /** Hyperparameters of the schedule; κ chosen by `kappa`. */
  readonly schedule: Omit<ScheduleParams, 'kappa'>;
  readonly kappa: KappaChoice;
  readonly switches: AlgorithmSwitches;
  readonly timeUnit: TimeUnit;
}

/** A quantization config as older manifests and checkpoints wrote it (mode and perTensor instead of a reading). */
interface LegacyQuantization extends Omit<QuantizationConfig, 'reading'> {
  readonly mode: Reading['mode'];
  readonly perTensor: boolean;
}

/** A quantization config from a manifest of any version: legacy `perTensor` is the per-tensor reading, else paper. */
export function normalizeQuantization(q: QuantizationConfig | LegacyQuantization): QuantizationConfig {
  if ('reading' in q && q.reading) return q;
  const legacy = q as LegacyQuantization;
  const { mode, perTensor, ...rest } = legacy;
  return { ...rest, reading: { ...(perTensor ? READINGS['per-tensor'] : READINGS.paper), mode } };
}

/**
 * Defaults: the reference's round mode and hyperparameters (b = 2, η = 1, C = 1e−6, β = 20,
 * κ = 64/24, p_0 = 0, p_max = 32), the `paper` reading (one global index, all-zero test, strict
 * cap), B.2a and B.2b on, and the scheduler clock
 * ticking per epoch as the paper says (the reference ticks per step: --time-unit step).
 */
export const DEFAULT_QUANTIZATION: QuantizationConfig = Object.freeze({
  reading: READINGS.paper,
  schedule: { base: REFERENCE_SCHEDULE.base, eta: REFERENCE_SCHEDULE.eta, C: REFERENCE_SCHEDULE.C, beta: REFERENCE_SCHEDULE.beta, p0: REFERENCE_SCHEDULE.p0, pMax: REFERENCE_SCHEDULE.pMax },
  kappa: 'reference',
  switches: { avoidVanishing: true, bound: true },
  timeUnit: 'epoch',
});
