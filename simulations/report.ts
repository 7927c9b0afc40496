/**
 * `qle report` / `npm run report`: validate the request, build each study's cells, run them
 * (cache, workers, progress) and write reports/<study>/.
 */
import { OBJECTIVES } from '../src/core/objectives/index.ts';
import { checkWritableDirectory, PathError } from '../src/io/paths.ts';
import { CellCache, codeVersion } from './cache.ts';
import { executeCells, type Execution } from './execute.ts';
import { writeStudyReport } from './report/render.ts';
import { OPTIMIZER_NAMES } from './roster.ts';
import { loadPlugins, NO_PLUGINS, type PluginRequest, type Plugins } from './plugins.ts';
import { STUDIES, STUDY_NAMES } from './studies/index.ts';
import { DEFAULT_DELTA, DEFAULT_EPSILON, DEFAULT_SEED, type StudyOptions } from './studies/study.ts';

import { ReportRequestError } from './request-error.ts';

export { ReportRequestError };

export interface ReportRequest extends PluginRequest {
  readonly studies?: readonly string[];
  readonly full?: boolean;
  readonly runs?: number;
  readonly steps?: number;
  readonly seed?: number;
  readonly delta?: number;
  readonly epsilon?: number;
  readonly optimizers?: readonly string[];
  readonly objectives?: readonly string[];
  readonly workers?: number;
  readonly outDir?: string;
  /** Cache directory; null: no cache. */
  readonly cacheDir?: string | null;
  /** Ignore finished cells in the cache (start clean); results are still cached. */
  readonly fresh?: boolean;
  readonly figures?: boolean;
  /** Progress and summary lines go here (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

export interface StudyRun {
  readonly study: string;
  readonly cells: number;
  readonly execution: Execution;
  readonly files: string[];
}

function known(kind: string, names: readonly string[] | undefined, all: readonly string[]): void {
  for (const name of names ?? []) {
    if (!all.includes(name)) throw new ReportRequestError(`unknown ${kind} ${JSON.stringify(name)}; known: ${all.join(', ')}`);
  }
}

/** Upper bounds that keep a request within memory (a population is runs × dims doubles) and sense. */
export const LIMITS = { runs: 1_000_000, steps: 1_000_000_000, workers: 64 } as const;

function positiveInteger(name: keyof typeof LIMITS, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1 && value <= LIMITS[name])) {
    throw new ReportRequestError(`--${name} must be an integer in [1, ${LIMITS[name]}], got ${value}`);
  }
}

function nonEmpty(name: string, what: string, list: readonly string[] | undefined): void {
  if (list !== undefined && list.length === 0) throw new ReportRequestError(`--${name} must list at least one ${what}`);
}

function positiveNumber(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new ReportRequestError(`--${name} must be > 0, got ${value}`);
}

/** A folder the report writes into: named, and checked (not created) before any work. */
function outputDirectory(name: string, path: string): void {
  if (path.trim() === '') throw new ReportRequestError(`--${name} must name a folder, got ${JSON.stringify(path)}`);
  try {
    checkWritableDirectory(path);
  } catch (error) {
    if (error instanceof PathError) throw new ReportRequestError(`--${name} ${JSON.stringify(path)} cannot be written: ${error.message}`);
    throw error;
  }
}

/** Checks everything the user can get wrong, before any work starts: one-line ReportRequestErrors. */
export function validateRequest(request: ReportRequest, plugins: Plugins = NO_PLUGINS): void {
  nonEmpty('optimizers', 'optimizer', request.optimizers);
  nonEmpty('objectives', 'objective', request.objectives);
  known('study', request.studies, STUDY_NAMES);
  known('optimizer', request.optimizers, [...OPTIMIZER_NAMES, ...plugins.optimizers]);
  known('objective', request.objectives, [...OBJECTIVES.keys()]);
  positiveInteger('runs', request.runs);
  positiveInteger('steps', request.steps);
  positiveInteger('workers', request.workers === 0 ? 1 : request.workers);
  positiveNumber('delta', request.delta);
  positiveNumber('epsilon', request.epsilon);
  if (request.seed !== undefined && !(Number.isSafeInteger(request.seed) && request.seed >= 1 && request.seed <= 0xffffffff)) {
    throw new ReportRequestError(`--seed must be an integer in [1, 4294967295], got ${request.seed}`);
  }
  // Last, after everything that needs no file system: the folders the report writes into.
  outputDirectory('out', request.outDir ?? 'reports');
  if (request.cacheDir !== null) outputDirectory('cache', request.cacheDir ?? '.cache/simulations');
}

/** The command line that reproduces a request (what report.md says generated it). */
export function commandFor(request: ReportRequest, study: string): string {
  const parts = ['npm run report --', study];
  if (request.full) parts.push('--full');
  if (request.runs !== undefined) parts.push('--runs', String(request.runs));
  if (request.steps !== undefined) parts.push('--steps', String(request.steps));
  if (request.seed !== undefined && request.seed !== DEFAULT_SEED) parts.push('--seed', String(request.seed));
  if (request.delta !== undefined && request.delta !== DEFAULT_DELTA) parts.push('--delta', String(request.delta));
  if (request.epsilon !== undefined && request.epsilon !== DEFAULT_EPSILON) parts.push('--epsilon', String(request.epsilon));
  if (request.optimizers) parts.push('--optimizers', request.optimizers.join(','));
  if (request.objectiveModule !== undefined) parts.push('--objective-module', request.objectiveModule);
  if (request.objectiveDims !== undefined) parts.push('--objective-dims', request.objectiveDims.join(','));
  if (request.objective !== undefined) parts.push('--objective', `'${request.objective.replace(/'/g, "'\\''")}'`);
  if (request.objectiveBox !== undefined) parts.push('--objective-box', request.objectiveBox.join(','));
  if (request.optimizerModule !== undefined) parts.push('--optimizer-module', request.optimizerModule);
  if (request.objectives) parts.push('--objectives', request.objectives.join(','));
  return parts.join(' ');
}

export async function runReport(request: ReportRequest): Promise<StudyRun[]> {
  // Names first (cheap, no file system), then the plug-ins (they register names --objectives and
  // --optimizers may use), then everything else: all before any cell runs.
  known('study', request.studies, STUDY_NAMES);
  const plugins = await loadPlugins(request);
  validateRequest(request, plugins);
  const log = request.log ?? (() => undefined);
  const options: StudyOptions = {
    full: request.full ?? false,
    seed: request.seed ?? DEFAULT_SEED,
    runs: request.runs,
    steps: request.steps,
    delta: request.delta ?? DEFAULT_DELTA,
    epsilon: request.epsilon ?? DEFAULT_EPSILON,
    optimizers: request.optimizers,
    objectives: request.objectives,
    // Only when there are plug-ins, so results.json of a plain request is unchanged.
    ...(plugins.problems.length || plugins.optimizers.length ? { plugins } : {}),
  };
  const cache = request.cacheDir === null ? undefined : new CellCache(request.cacheDir ?? '.cache/simulations');
  const runs: StudyRun[] = [];
  for (const name of request.studies ?? STUDY_NAMES) {
    const study = STUDIES.get(name)!;
    const cells = study.cells(options);
    if (cells.length === 0) {
      log(`${name}: no cells match the filters; skipped`);
      continue;
    }
    const cpuBefore = process.cpuUsage();
    const execution = await executeCells(cells, {
      workers: request.workers ?? 2,
      cache,
      readCache: !request.fresh,
      label: name,
    });
    const files = await writeStudyReport(
      study,
      cells,
      execution.results,
      request.outDir ?? 'reports',
      {
        command: commandFor(request, name),
        codeVersion: codeVersion(),
        options: { ...options, runs: cells[0].runs, steps: cells[0].steps },
      },
      { figures: request.figures },
    );
    const seconds = execution.milliseconds / 1000;
    // CPU time of the whole process, worker threads included (getrusage).
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    log(
      `${name}: ${cells.length} cells (${execution.cached} from cache, ${execution.computed} computed) in ${seconds.toFixed(1)} s wall, ` +
        `${cpuSeconds.toFixed(1)} s CPU` +
        (execution.computed ? `, ${(execution.particleSteps / seconds / 1e6).toFixed(2)} M particle-steps/s wall` : '') +
        ` → ${request.outDir ?? 'reports'}/${name}/report.md`,
    );
    runs.push({ study: name, cells: cells.length, execution, files });
  }
  return runs;
}
