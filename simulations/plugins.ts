/**
 * Plug-ins of `qle report`: a user's objective (`--objective-module FILE`, or a formula with
 * `--objective EXPR`) and optimizer (`--optimizer-module FILE`). The main thread loads and checks
 * them before any work (one-line ReportRequestErrors naming the option) and registers them; cells carry a
 * serialisable source (module path and content hash, or the formula with its box and minimisers)
 * so that each worker thread loads the same plug-in before it runs a cell (ensureCellPlugins).
 *
 * The interfaces: an objective module exports an ObjectiveFactory (src/core/objectives/objective.ts:
 * value, gradient, box, minimisers, optional barrier); an optimizer module an OptimizerPlugin
 * (./optimizers/plugin.ts). Examples: examples/plugins/.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT_IN_OBJECTIVES, registerObjective } from '../src/core/objectives/index.ts';
import { checkDims, ObjectiveError, type Objective, type ObjectiveFactory } from '../src/core/objectives/objective.ts';
import { closeSync, openSync, statSync } from 'node:fs';
import { fsReason } from '../src/io/paths.ts';
import { ReportRequestError } from './request-error.ts';
import type { CellConfig } from './cell.ts';
import type { ObjectiveSource, Problem } from './hyper.ts';
import type { PluginModule } from './optimizers/optimizer.ts';
import { registerOptimizerPlugin, type OptimizerPlugin } from './optimizers/plugin.ts';
import { OPTIMIZER_NAMES } from './roster.ts';
import { createDoubleWell } from '../src/core/objectives/index.ts';
import { Population } from './population.ts';

export interface PluginRequest {
  /** A module whose default export (or export `objective`) is an ObjectiveFactory. */
  readonly objectiveModule?: string;
  /** Dimensions to run a module objective at (default: its listed dimensions, or 2 for 'any'). */
  readonly objectiveDims?: readonly number[];
  /** A formula in x (d = 1) or x1 … xd. */
  readonly objective?: string;
  /** Box of the formula's starts and minimiser search (default [-5, 5]). */
  readonly objectiveBox?: readonly [number, number];
  /** A module whose default export (or export `optimizer`) is an OptimizerPlugin. */
  readonly optimizerModule?: string;
}

export const DEFAULT_EXPRESSION_BOX: readonly [number, number] = [-5, 5];

export interface Plugins {
  /** Problems of the plug-in objective (one per dimension), appended to the studies' own. */
  readonly problems: readonly Problem[];
  /** Names of plug-in optimizers, appended to the roster. */
  readonly optimizers: readonly string[];
}

export const NO_PLUGINS: Plugins = { problems: [], optimizers: [] };

/** A module path given on the command line: it exists, is a file, and opens for reading. */
function inputFile(option: string, path: string): string {
  if (path.trim() === '') throw new ReportRequestError(`--${option} must name a file, got ${JSON.stringify(path)}`);
  try {
    if (!statSync(path).isFile()) throw new ReportRequestError(`--${option} ${path} is not a file`);
    closeSync(openSync(path, 'r'));
  } catch (error) {
    if (error instanceof ReportRequestError) throw error;
    throw new ReportRequestError(`--${option} ${path} cannot be read: ${fsReason(error)}`);
  }
  return path;
}

function moduleOf(path: string): PluginModule {
  const absolute = resolve(path);
  const rel = relative(process.cwd(), absolute);
  return { path: rel.startsWith('..') ? absolute : rel, sha256: createHash('sha256').update(readFileSync(absolute)).digest('hex') };
}

/** Import a module by path; the hash in the URL makes an edited file load anew in the same process. */
async function importModule(module: PluginModule): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(resolve(module.path)).href}?sha256=${module.sha256}`;
  return (await import(url)) as Record<string, unknown>;
}

function exported<T>(mod: Record<string, unknown>, name: string): T | undefined {
  return (mod.default ?? mod[name]) as T | undefined;
}

const NAME = /^[A-Za-z0-9._-]+$/;

/** Objective factory of a module, its shape checked: throws one line naming what is missing. */
function objectiveFactoryOf(mod: Record<string, unknown>): ObjectiveFactory {
  const factory = exported<Partial<ObjectiveFactory>>(mod, 'objective');
  if (!factory || typeof factory !== 'object') throw new Error('it has no default export (or export `objective`): an ObjectiveFactory');
  if (typeof factory.name !== 'string' || !NAME.test(factory.name)) throw new Error('its objective needs a name of letters, digits, ".", "_" or "-"');
  if (typeof factory.create !== 'function') throw new Error(`objective ${factory.name} has no create(dims) function`);
  if (!(factory.dimensions === 'any' || (Array.isArray(factory.dimensions) && factory.dimensions.length > 0))) {
    throw new Error(`objective ${factory.name}: dimensions must be 'any' or a list of d`);
  }
  return { description: factory.name, ...factory } as ObjectiveFactory;
}

/**
 * The objective honours its interface at dimension d: box, minimisers of length d inside it, f*
 * equal to f at the minimisers, finite value and gradient. Throws a one-line reason.
 */
export function checkObjective(objective: Objective, d: number): void {
  const where = `${objective.name} d=${d}`;
  if (objective.dims !== d) throw new Error(`${where}: create(${d}) returned dims = ${objective.dims}`);
  if (!(Number.isFinite(objective.lower) && Number.isFinite(objective.upper) && objective.lower < objective.upper)) {
    throw new Error(`${where}: box [lower, upper] must be finite with lower < upper`);
  }
  if (!Array.isArray(objective.minimisers) || objective.minimisers.length === 0) throw new Error(`${where}: no minimisers`);
  if (typeof objective.value !== 'function' || typeof objective.gradient !== 'function') throw new Error(`${where}: value and gradient must be functions`);
  const g = new Float64Array(d);
  for (const m of objective.minimisers) {
    if (m.length !== d) throw new Error(`${where}: a minimiser has ${m.length} coordinates`);
    const point = Float64Array.from(m);
    const value = objective.value(point, 0);
    if (!(Math.abs(value - objective.minimum) <= 1e-9 * Math.max(1, Math.abs(objective.minimum)))) {
      throw new Error(`${where}: f at minimiser [${Array.from(point).join(', ')}] is ${value}, not the stated minimum ${objective.minimum}`);
    }
    objective.gradient(point, 0, g, 0);
    if (!g.every(Number.isFinite)) throw new Error(`${where}: the gradient at a minimiser is not finite`);
  }
  if (objective.barrier !== undefined && !(objective.barrier > 0)) throw new Error(`${where}: barrier must be > 0 when given`);
}

function optimizerOf(mod: Record<string, unknown>): OptimizerPlugin {
  const plugin = exported<Partial<OptimizerPlugin>>(mod, 'optimizer');
  if (!plugin || typeof plugin !== 'object') throw new Error('it has no default export (or export `optimizer`): an OptimizerPlugin');
  if (typeof plugin.name !== 'string' || !NAME.test(plugin.name)) throw new Error('its optimizer needs a name of letters, digits, ".", "_" or "-"');
  if (OPTIMIZER_NAMES.includes(plugin.name)) throw new Error(`optimizer name ${plugin.name} is taken by the roster`);
  if (typeof plugin.create !== 'function') throw new Error(`optimizer ${plugin.name} has no create(population, hyper) function`);
  return { description: plugin.name, ...plugin } as OptimizerPlugin;
}

/** Two steps of the optimizer on a tiny double-well population: it builds, steps, and spends one evaluation a step. */
function trialRun(plugin: OptimizerPlugin): void {
  const population = new Population(createDoubleWell(), 2, { start: (r) => r + 1, noise: (r) => r + 11 });
  const stepper = plugin.create(population, { lambda: 2 ** -4, c: 1, proposal: 0.04, steps: 2 });
  if (!stepper || typeof stepper.step !== 'function') throw new Error(`optimizer ${plugin.name}: create() must return an object with step(t)`);
  stepper.step(0);
  stepper.step(1);
  if (population.evaluations !== 2) throw new Error(`optimizer ${plugin.name}: a step must call population.gradient(λ) once (2 steps made ${population.evaluations} evaluations)`);
}

/** Runs `load`, turning any failure into one line naming the option. */
async function asOption<T>(option: string, path: string, load: () => Promise<T> | T): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ReportRequestError) throw error;
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new ReportRequestError(`--${option} ${path}: ${message}`);
  }
}

async function loadExpression(source: Extract<ObjectiveSource, { kind: 'expression' }> | { expression: string; lower: number; upper: number }) {
  const { createExpressionObjective, EXPRESSION_OBJECTIVE } = await import('../src/core/objectives/expression.ts');
  const given = 'minimisers' in source ? source.minimisers : undefined;
  const first = createExpressionObjective(source.expression, { lower: source.lower, upper: source.upper, minimisers: given });
  const minimisers = first.minimisers.map((m) => Array.from(m));
  const factory: ObjectiveFactory = {
    name: EXPRESSION_OBJECTIVE,
    description: `f = ${source.expression}`,
    dimensions: [first.dims],
    create(dims: number) {
      checkDims(this, dims);
      return createExpressionObjective(source.expression, { lower: source.lower, upper: source.upper, minimisers });
    },
  };
  const full: ObjectiveSource = {
    kind: 'expression',
    expression: source.expression,
    lower: source.lower,
    upper: source.upper,
    minimisers,
    method: 'method' in source ? source.method : first.search!.method,
  };
  return { factory, dims: first.dims, source: full };
}

/** Load, check and register the plug-ins of a request, before any work: ReportRequestErrors name the option. */
export async function loadPlugins(request: PluginRequest): Promise<Plugins> {
  if (request.objective !== undefined && request.objectiveModule !== undefined) {
    throw new ReportRequestError('use --objective or --objective-module, not both');
  }
  if (request.objectiveDims !== undefined && request.objectiveModule === undefined) {
    throw new ReportRequestError('--objective-dims applies to --objective-module (a formula\'s d is its largest variable index)');
  }
  const problems: Problem[] = [];
  const optimizers: string[] = [];
  if (request.objectiveModule !== undefined) {
    const path = inputFile('objective-module', request.objectiveModule);
    await asOption('objective-module', path, async () => {
      const module = moduleOf(path);
      const factory = objectiveFactoryOf(await importModule(module));
      if (BUILT_IN_OBJECTIVES.includes(factory.name)) throw new Error(`objective name ${factory.name} is taken by a built-in objective`);
      const dims = request.objectiveDims ?? (factory.dimensions === 'any' ? [2] : factory.dimensions);
      for (const d of dims) {
        checkDims(factory, d);
        checkObjective(factory.create(d), d);
      }
      registerObjective(factory);
      for (const d of dims) problems.push({ objective: factory.name, dims: d, source: { kind: 'module', ...module } });
    });
  }
  if (request.objective !== undefined) {
    const [lower, upper] = request.objectiveBox ?? DEFAULT_EXPRESSION_BOX;
    const loaded = await asOption('objective', JSON.stringify(request.objective), async () => {
      try {
        return await loadExpression({ expression: request.objective!, lower, upper });
      } catch (error) {
        // The core's message already quotes the formula: keep it one line without repeating it.
        if (error instanceof ObjectiveError) throw new ReportRequestError(`--objective: ${error.message}`);
        throw error;
      }
    });
    registerObjective(loaded.factory);
    problems.push({ objective: loaded.factory.name, dims: loaded.dims, source: loaded.source });
  }
  if (request.optimizerModule !== undefined) {
    const path = inputFile('optimizer-module', request.optimizerModule);
    await asOption('optimizer-module', path, async () => {
      const module = moduleOf(path);
      const plugin = optimizerOf(await importModule(module));
      trialRun(plugin);
      registerOptimizerPlugin(plugin, module);
      optimizers.push(plugin.name);
    });
  }
  return { problems, optimizers };
}

const ready = new Set<string>();

/**
 * In a worker thread, before a cell runs: load and register the plug-ins the cell names (once per
 * source). A module whose bytes changed since the report started is an error, not a silent mix.
 */
export async function ensureCellPlugins(cell: CellConfig): Promise<void> {
  const source = cell.problem.source;
  if (source && !ready.has(JSON.stringify(source))) {
    if (source.kind === 'module') {
      const now = moduleOf(source.path);
      if (now.sha256 !== source.sha256) throw new Error(`objective module ${source.path} changed while the report ran`);
      registerObjective(objectiveFactoryOf(await importModule(source)));
    } else {
      registerObjective((await loadExpression(source)).factory);
    }
    ready.add(JSON.stringify(source));
  }
  const spec = cell.spec;
  if (spec.kind === 'plugin' && !ready.has(JSON.stringify(spec.module))) {
    const now = moduleOf(spec.module.path);
    if (now.sha256 !== spec.module.sha256) throw new Error(`optimizer module ${spec.module.path} changed while the report ran`);
    registerOptimizerPlugin(optimizerOf(await importModule(spec.module)), spec.module);
    ready.add(JSON.stringify(spec.module));
  }
}

/** Markdown lines describing the plug-in objectives and optimizers of a study's cells (empty when none). */
export function pluginSection(cells: readonly CellConfig[]): string {
  const sources = new Map<string, { problem: Problem; dims: number[] }>();
  for (const cell of cells) {
    const source = cell.problem.source;
    if (!source) continue;
    const key = JSON.stringify(source);
    const entry = sources.get(key) ?? { problem: cell.problem, dims: [] };
    if (!entry.dims.includes(cell.problem.dims)) entry.dims.push(cell.problem.dims);
    sources.set(key, entry);
  }
  const modules = new Map<string, string>();
  for (const cell of cells) if (cell.spec.kind === 'plugin') modules.set(cell.spec.name, `${cell.spec.module.path} (sha256 ${cell.spec.module.sha256.slice(0, 12)})`);
  if (sources.size === 0 && modules.size === 0) return '';
  const lines = ['## Plug-ins', ''];
  for (const { problem, dims } of sources.values()) {
    const source = problem.source!;
    if (source.kind === 'module') {
      lines.push(`- Objective \`${problem.objective}\` (d = ${dims.join(', ')}) from the module ${source.path} (sha256 ${source.sha256.slice(0, 12)}); its box and minimisers are the module's own.`);
    } else {
      const minimisers = source.minimisers.map((m) => `(${m.map((x) => x.toPrecision(10)).join(', ')})`).join(', ');
      lines.push(
        `- Objective \`${problem.objective}\` (d = ${dims.join(', ')}): f = \`${source.expression.replace(/`/g, "'")}\` on the box [${source.lower}, ${source.upper}]^${dims[0]}, ` +
          `differentiated symbolically and compiled with mathjs. Global minimiser(s) ${minimisers}: ${source.method}. ` +
          'Hit rates are measured against these minimisers.',
      );
    }
  }
  for (const [name, where] of modules) lines.push(`- Optimizer \`${name}\` from the module ${where}.`);
  lines.push('');
  return lines.join('\n');
}
