/**
 * Shared fast-check settings for every property suite (issue 2, GUIDE "Standards"):
 *   - one fixed seed, overridable with QLE_SEED (fast-check's failure message names it);
 *   - numRuns small enough for CI by default, raised with QLE_RUNS (e.g. QLE_RUNS=10000);
 *   - verbose failures, so fc.assert prints seed, path and the shrunk counterexample.
 * Expensive properties (statistics, simulations) scale their run count down with `scaledRuns`
 * and cap it, so that a deep run still finishes.
 */
import fc from 'fast-check';

function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${raw}`);
  return value;
}

/** The seed of every property in qle (a date: 2026-11-26). */
export const SEED = envInteger('QLE_SEED', 20261126);
/** Runs per cheap property; QLE_RUNS raises it for deep checks. */
export const RUNS = envInteger('QLE_RUNS', 200);
/** True when QLE_RUNS asked for more than the default. */
export const DEEP = RUNS > 200;

/** QLE_VERBOSE=1: print the seed, the measured statistics and each broken variant's counterexample. */
export const VERBOSE = Boolean(process.env.QLE_VERBOSE);

/** A diagnostic line: printed only with QLE_VERBOSE, so a passing `npm test` stays quiet. */
export function note(line: string): void {
  if (VERBOSE) console.log(line);
}

note(`[qle properties] fast-check seed ${SEED}, numRuns ${RUNS} (QLE_SEED / QLE_RUNS to change)`);

/** numRuns for a property that costs `fraction` of a cheap one per run, at least `min`, at most `max`. */
export function scaledRuns(fraction: number, min = 1, max = Number.POSITIVE_INFINITY): number {
  return Math.max(min, Math.min(max, Math.round(RUNS * fraction)));
}

/** Parameters for fc.assert / fc.check: fixed seed, verbose counterexamples. */
export function fcParams<T>(numRuns = RUNS): fc.Parameters<T> {
  return { seed: SEED, numRuns, verbose: fc.VerbosityLevel.Verbose, endOnFailure: false };
}

/** Run a property that must hold: on failure fast-check throws with seed, path and counterexample. */
export function holds<Ts>(property: fc.IProperty<Ts>, numRuns = RUNS): void {
  fc.assert(property, fcParams<Ts>(numRuns));
}

/** Replay paths can be thousands of steps long after shrinking big values: show the ends. */
function shortPath(path: string | null): string {
  if (!path) return '';
  return path.length <= 80 ? path : `${path.slice(0, 40)}…${path.slice(-30)} (${path.split(':').length} steps)`;
}

/** What fast-check found against a deliberately broken implementation. */
export interface Counterexample<Ts> {
  readonly failed: boolean;
  readonly counterexample: Ts | null;
  readonly shrunk: string;
  /** First line of the property's failure (the assertion message, or "Property failed by returning false"). */
  readonly failure: string;
  /** The broken variant threw a TypeError/ReferenceError/RangeError of its own rather than failing the property's check. */
  readonly crashed: boolean;
  readonly numRuns: number;
  readonly numShrinks: number;
}

/**
 * Run a property against a deliberately broken implementation and return what fast-check found:
 * the caller checks it with `expectCaught`. Nothing is printed unless QLE_VERBOSE is set or the
 * variant was not caught (then seed, path and counterexample help to see why).
 */
export function findCounterexample<Ts>(label: string, property: fc.IProperty<Ts>, numRuns = RUNS): Counterexample<Ts> {
  const details = fc.check(property, fcParams<Ts>(numRuns));
  const shrunk = details.counterexample === null ? '(none)' : fc.stringify(details.counterexample);
  const error = details.errorInstance;
  const failure = error instanceof Error ? error.message.split('\n')[0] : details.failed ? 'Property failed by returning false' : '';
  const crashed = error instanceof TypeError || error instanceof ReferenceError;
  const line =
    `[qle properties] broken variant "${label}": ${details.failed ? 'counterexample found' : 'NOT caught'}` +
    ` after ${details.numRuns} runs, ${details.numShrinks} shrinks (seed ${details.seed}, path "${shortPath(details.counterexamplePath)}")` +
    `\n  shrunk counterexample: ${shrunk}${failure ? `\n  failure: ${failure}` : ''}`;
  if (VERBOSE || !details.failed) console.log(line);
  return { failed: details.failed, counterexample: details.counterexample, shrunk, failure, crashed, numRuns: details.numRuns, numShrinks: details.numShrinks };
}

/**
 * The broken variant was caught by the property itself: a shrunk counterexample exists, and the
 * failure is the property's own verdict, not the variant crashing (a TypeError would "catch"
 * anything). `failure`, when given, must match the failure message.
 */
export function expectCaught<Ts>(found: Counterexample<Ts>, failure?: RegExp): void {
  if (!found.failed) throw new Error(`broken variant not caught: ${found.shrunk}`);
  if (found.counterexample === null) throw new Error('a counterexample was found but not returned');
  if (found.crashed) throw new Error(`broken variant crashed instead of failing the property: ${found.failure}`);
  if (failure && !failure.test(found.failure)) throw new Error(`failure ${JSON.stringify(found.failure)} does not match ${failure}`);
}
