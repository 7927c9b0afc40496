/** The optimizer registry: one line per kind of spec. */
import type { Population } from '../population.ts';
import { createAdam } from './adam.ts';
import { createAnnealing } from './annealing.ts';
import { createFixedQuantized } from './fixed-quantized.ts';
import { createGd } from './gd.ts';
import { createLangevin } from './langevin.ts';
import type { OptimizerFactory, OptimizerKind, OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
import { createPluginOptimizer } from './plugin.ts';
import { createProposed } from './proposed.ts';
import { createSgd } from './sgd.ts';

const FACTORIES: { [K in OptimizerKind]: OptimizerFactory<Extract<OptimizerSpec, { kind: K }>> } = {
  gd: createGd,
  sgd: createSgd,
  adam: createAdam,
  'fixed-quantized': createFixedQuantized,
  proposed: createProposed,
  langevin: createLangevin,
  annealing: createAnnealing,
  plugin: createPluginOptimizer,
};

export function createOptimizer(spec: OptimizerSpec, population: Population): PopulationOptimizer {
  const factory = FACTORIES[spec.kind] as OptimizerFactory;
  return factory(spec, population);
}

export type { OptimizerSpec, PopulationOptimizer } from './optimizer.ts';
