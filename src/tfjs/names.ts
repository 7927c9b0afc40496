/**
 * The names and defaults of the CIFAR-10 experiment, free of any tfjs import, so the CLI can parse
 * and validate options without loading TensorFlow.js (models.ts and optimizers.ts re-export them).
 */
import { cacheDir } from '../io/cache-dir.ts';
import { REFERENCE_SCHEDULE, type AlgorithmSwitches, type KappaChoice, type ScheduleParams, type TimeUnit } from '../core/schedule.ts';
import type { QuantMode } from '../core/quantizer.ts';

export const MODEL_NAMES = ['resnet32', 'resnet20', 'resnet8', 'mlp'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const OPTIMIZER_NAMES = ['qsgd', 'qtadam', 'sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** SPEC §8: mini-batch 128. */
export const DEFAULT_BATCH = 128;

export const DEFAULT_RUNS_DIR = cacheDir('cifar10-runs');

/** How QSGD / QtADAM quantize (SPEC §6, §7). */
export interface QuantizationConfig {
  readonly mode: QuantMode;
  /** Hyperparameters of the schedule; κ chosen by `kappa`. */
  readonly schedule: Omit<ScheduleParams, 'kappa'>;
  readonly kappa: KappaChoice;
  readonly switches: AlgorithmSwitches;
  readonly timeUnit: TimeUnit;
  /** One global index over all tensors (the reference) or one index per tensor. */
  readonly perTensor: boolean;
}

/**
 * Defaults: the reference's round mode and hyperparameters (b = 2, η = 1, C = 1e−6, β = 20,
 * κ = 64/24, p_0 = 0, p_max = 32), one global index, B.2a and B.2b on, and the scheduler clock
 * ticking per epoch as the paper says (the reference ticks per step: --time-unit step).
 */
export const DEFAULT_QUANTIZATION: QuantizationConfig = Object.freeze({
  mode: 'round',
  schedule: { base: REFERENCE_SCHEDULE.base, eta: REFERENCE_SCHEDULE.eta, C: REFERENCE_SCHEDULE.C, beta: REFERENCE_SCHEDULE.beta, p0: REFERENCE_SCHEDULE.p0, pMax: REFERENCE_SCHEDULE.pMax },
  kappa: 'reference',
  switches: { avoidVanishing: true, bound: true },
  timeUnit: 'epoch',
  perTensor: false,
});
