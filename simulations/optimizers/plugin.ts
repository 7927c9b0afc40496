/**
 * A user's optimizer (`qle report --optimizer-module FILE`): the module's default export (or its
 * export `optimizer`) implements OptimizerPlugin. Cells carry a serialisable spec of kind 'plugin'
 * naming the module and its content hash; the worker that runs a cell loads the module first
 * (simulations/plugins.ts), then `createOptimizer` finds the plug-in here by name.
 */
import type { Population } from '../population.ts';
import type { OptimizerSpec, PluginModule, PopulationOptimizer } from './optimizer.ts';

/** The problem's stated hyperparameters (simulations/hyper.ts), as every roster optimizer gets them. */
export interface PluginHyper {
  /** Learning rate λ (the GD-stable power of two of the problem). */
  readonly lambda: number;
  /** Temperature scale c (standard deviation of f over the box). */
  readonly c: number;
  /** Simulated annealing's proposal σ ((upper − lower)/100). */
  readonly proposal: number;
  /** Evaluations per run of the cell. */
  readonly steps: number;
}

/**
 * What an optimizer module exports. `create` is called once per cell with the population of
 * `runs` independent runs (run-major Float64Array `population.w`, runs × dims); `step(t)` must
 * advance every run by one step that costs one gradient evaluation: call `population.gradient(λ)`
 * once (it evaluates ∇f for every live run and freezes diverged runs), then update
 * `population.w` (an optimizer that spends a function evaluation instead adds 1 to
 * `population.evaluations`, as simulated annealing does). A trial run checks this before a report. Randomness comes from `population.rngs[r]`, so a seed reproduces a run.
 */
export interface OptimizerPlugin {
  /** The name in reports and in --optimizers (letters, digits, '.', '_', '-'; not a roster name). */
  readonly name: string;
  readonly description: string;
  create(population: Population, hyper: PluginHyper): PopulationOptimizer;
}

export type PluginSpec = Extract<OptimizerSpec, { kind: 'plugin' }>;

const loaded = new Map<string, { readonly plugin: OptimizerPlugin; readonly module: PluginModule }>();

/** Make a loaded plug-in available to specFor and createOptimizer (replaces a plug-in of the same name). */
export function registerOptimizerPlugin(plugin: OptimizerPlugin, module: PluginModule): void {
  loaded.set(plugin.name, { plugin, module });
}

/** The spec of a loaded plug-in on a problem, or undefined for a name that is no plug-in. */
export function pluginSpec(name: string, hyper: PluginHyper): PluginSpec | undefined {
  const entry = loaded.get(name);
  if (!entry) return undefined;
  return { kind: 'plugin', name, module: entry.module, lambda: hyper.lambda, c: hyper.c, proposal: hyper.proposal, steps: hyper.steps };
}

export function createPluginOptimizer(spec: PluginSpec, population: Population): PopulationOptimizer {
  const entry = loaded.get(spec.name);
  if (!entry || entry.module.sha256 !== spec.module.sha256) throw new Error(`plug-in optimizer ${spec.name} is not loaded (module ${spec.module.path})`);
  return entry.plugin.create(population, { lambda: spec.lambda, c: spec.c, proposal: spec.proposal, steps: spec.steps });
}
