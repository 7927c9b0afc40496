/**
 * The common interface of the simulated optimizers: each advances a whole Population by one step
 * that costs exactly one gradient evaluation per run (simulated annealing: one function
 * evaluation per run, counted against the same budget).
 *
 * An optimizer is described by a plain, serialisable spec (it travels to worker threads and into
 * the cache key and results.json); `createOptimizer` (./index.ts) turns a spec into a stepper.
 */
import type { QuantMode } from '../../src/core/quantizer.ts';
import type { Learner } from '../../src/core/learner.ts';
import type { ReadingName } from '../../src/core/reading.ts';
import type { KappaChoice, ScheduleParams } from '../../src/core/schedule.ts';
import type { DirectionKind } from '../../src/core/learning.ts';
import type { Population } from '../population.ts';

export type OptimizerSpec =
  | { readonly kind: 'gd'; readonly lambda: number }
  | { readonly kind: 'sgd'; readonly lambda: number; readonly noise: number }
  | { readonly kind: 'adam'; readonly lambda: number }
  | {
      readonly kind: 'fixed-quantized';
      readonly direction: DirectionKind;
      readonly lambda: number;
      readonly p: number;
      readonly mode: QuantMode;
      /** σ of SGD's gradient noise, added before the direction; absent or 0 = the exact gradient. */
      readonly noise?: number;
    }
  | {
      readonly kind: 'proposed';
      readonly direction: DirectionKind;
      readonly lambda: number;
      readonly kappa: KappaChoice;
      readonly C: number;
      readonly beta: number;
      readonly p0: number;
      readonly pMax: number;
      readonly avoidVanishing: boolean;
      readonly bound: boolean;
      readonly mode: QuantMode;
      /** σ of SGD's gradient noise, added before the direction; absent or 0 = the exact gradient. */
      readonly noise?: number;
      /** The B.2a reading (SPEC §7); absent = `paper`. Its mode is replaced by `mode`. */
      readonly reading?: ReadingName;
    }
  | { readonly kind: 'langevin'; readonly lambda: number; readonly c: number }
  | { readonly kind: 'annealing'; readonly c: number; readonly proposal: number }
  | {
      /** A user's optimizer module (./plugin.ts): the module and its content hash key the cache. */
      readonly kind: 'plugin';
      readonly name: string;
      readonly module: PluginModule;
      readonly lambda: number;
      readonly c: number;
      readonly proposal: number;
      readonly steps: number;
    };

/** A plug-in module as cells carry it: the path as given (relative to the working folder) and a hash of its bytes. */
export interface PluginModule {
  readonly path: string;
  readonly sha256: string;
}

export type OptimizerKind = OptimizerSpec['kind'];

export interface PopulationOptimizer {
  /** Advance every run by one step (t = 0, 1, …): one evaluation per run. */
  step(t: number): void;
  /** Quantized optimizers: the core learner, whose index state and step report the run diagnostics read. */
  readonly learner?: Learner;
  /** The proposed optimizers: the schedule whose annealing bound (SPEC §5) is checked. */
  readonly schedule?: ScheduleParams;
  /** Annealed optimizers: the temperature they target at step t (for the traces). */
  targetTemperature?(t: number): number;
}

/** Builds a stepper for one kind of spec over a population. */
export type OptimizerFactory<S extends OptimizerSpec = OptimizerSpec> = (spec: S, population: Population) => PopulationOptimizer;
