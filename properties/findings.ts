/**
 * Findings the property suites surface and reports reuse (SPEC §5, §7): with B.2a on, Algorithm 1
 * can push the index above p_inf(t) + 1, so the realised temperature T_q = κ/Q_p² falls below the
 * annealing floor C/(b²·ln(t+2)) that the scheduler alone guarantees.
 */
import fc from 'fast-check';
import { annealingMargin, infimumIndex, REFERENCE_SCHEDULE, type ScheduleParams } from '../src/core/schedule.ts';
import { SEED } from './config.ts';
import { coreLearner, MARGIN_TOLERANCE, runAlgorithm, scheduleParamsArb, tinyStepsArb, type StepRecord } from './scheduler.props.ts';

export { MARGIN_TOLERANCE };

/** One step's annealing margin T_q(t)·ln(t+2)/(C/b²) at the index the step used. */
export interface MarginRecord extends StepRecord {
  readonly pInf: number;
  readonly margin: number;
}

/** The annealing margin of every step of Algorithm 1 with both B.2a and B.2b on. */
export function annealingTrace(params: ScheduleParams, steps: readonly (readonly number[])[]): MarginRecord[] {
  return runAlgorithm(coreLearner, params, { avoidVanishing: true, bound: true }, steps).map((r) => ({
    ...r,
    pInf: infimumIndex(r.t, params),
    margin: annealingMargin(r.used, r.t, params),
  }));
}

/** The first step whose margin is below 1 (beyond the tolerance), or null. */
export function firstAnnealingBreak(trace: readonly MarginRecord[]): MarginRecord | null {
  return trace.find((r) => r.margin < 1 - MARGIN_TOLERANCE) ?? null;
}

export interface AnnealingBreak {
  /** fast-check found a run of Algorithm 1 (B.2a on) that breaks T_q(t)·ln(t+2) ≥ C/b². */
  readonly found: boolean;
  readonly seed: number;
  readonly numRuns: number;
  /** The shrunk counterexample: hyperparameters and the step sequence (h, λ = 1). */
  readonly params: ScheduleParams | null;
  readonly steps: number[][] | null;
  /** The first breaking step of the shrunk counterexample. */
  readonly step: MarginRecord | null;
}

/**
 * Search with fast-check for a run of the full Algorithm 1 (B.2a and B.2b on) whose realised
 * temperature breaks the annealing condition of SPEC §5, over hyperparameters (the reference ones
 * by default, any with `anyParams`) and sequences of tiny steps. Returns the shrunk counterexample.
 */
export function findAnnealingBreak(options: { seed?: number; numRuns?: number; anyParams?: boolean } = {}): AnnealingBreak {
  const seed = options.seed ?? SEED;
  const numRuns = options.numRuns ?? 200;
  const paramsArb = options.anyParams
    ? scheduleParamsArb
    : fc.integer({ min: -2, max: 4 }).map((p0) => ({ ...REFERENCE_SCHEDULE, p0 }));
  const property = fc.property(paramsArb, tinyStepsArb, (params, steps) => firstAnnealingBreak(annealingTrace(params, steps)) === null);
  const details = fc.check(property, { seed, numRuns });
  if (!details.failed || details.counterexample === null) {
    return { found: false, seed, numRuns: details.numRuns, params: null, steps: null, step: null };
  }
  const [params, steps] = details.counterexample;
  return {
    found: true,
    seed,
    numRuns: details.numRuns,
    params,
    steps,
    step: firstAnnealingBreak(annealingTrace(params, steps)),
  };
}
