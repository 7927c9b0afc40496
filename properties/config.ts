/**
 * Shared fast-check settings for every property suite (issue 2, GUIDE "Standards"):
 *   - one fixed seed, printed once per suite file, overridable with QLE_SEED;
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

console.log(`[qle properties] fast-check seed ${SEED}, numRuns ${RUNS} (QLE_SEED / QLE_RUNS to change)`);

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

/**
 * Run a property against a deliberately broken implementation and return what fast-check found:
 * the caller asserts `failed === true`. The shrunk counterexample is printed, so the test output
 * shows what the property catches.
 */
export function findCounterexample<Ts>(
  label: string,
  property: fc.IProperty<Ts>,
  numRuns = RUNS,
): { failed: boolean; counterexample: Ts | null; shrunk: string; numRuns: number; numShrinks: number } {
  const details = fc.check(property, fcParams<Ts>(numRuns));
  const shrunk = details.counterexample === null ? '(none)' : fc.stringify(details.counterexample);
  const failure = details.errorInstance instanceof Error ? details.errorInstance.message.split('\n')[0] : '';
  console.log(
    `[qle properties] broken variant "${label}": ${details.failed ? 'counterexample found' : 'NOT caught'}` +
      ` after ${details.numRuns} runs, ${details.numShrinks} shrinks (seed ${details.seed}, path "${shortPath(details.counterexamplePath)}")` +
      `\n  shrunk counterexample: ${shrunk}${failure ? `\n  failure: ${failure}` : ''}`,
  );
  return {
    failed: details.failed,
    counterexample: details.counterexample,
    shrunk,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
  };
}
