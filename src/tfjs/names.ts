/**
 * The names and defaults of the CIFAR-10 experiment, free of any tfjs import, so the CLI can parse
 * and validate options without loading TensorFlow.js (models.ts and optimizers.ts re-export them).
 */
import { resolve } from 'node:path';
import { READINGS, type Reading } from '../core/reading.ts';
import { REFERENCE_SCHEDULE, type AlgorithmSwitches, type KappaChoice, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';

export const MODEL_NAMES = ['resnet32', 'resnet20', 'resnet8', 'mlp'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const OPTIMIZER_NAMES = ['qsgd', 'qtadam', 'sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
/** The paper's names of the optimizers (Table 1's columns). */
export const DISPLAY: Readonly<Record<OptimizerName, string>> = Object.freeze({ adam: 'ADAM', qtadam: 'QtADAM', sgd: 'SGD', qsgd: 'QSGD' });

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

export const DEFAULT_RUNS_DIR = resolve('.cache/cifar10-runs');

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
