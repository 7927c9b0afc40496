/** The objective registry: one line per objective. */
import { ackley } from './ackley.ts';
import { doubleWell } from './double-well.ts';
import { griewank } from './griewank.ts';
import { ObjectiveError, type Objective, type ObjectiveFactory } from './objective.ts';
import { rastrigin } from './rastrigin.ts';
import { sixHumpCamel } from './six-hump-camel.ts';
import { styblinskiTang } from './styblinski-tang.ts';

const BUILT_IN: ReadonlyMap<string, ObjectiveFactory> = new Map(
  [rastrigin, ackley, styblinskiTang, griewank, sixHumpCamel, doubleWell].map((f) => [f.name, f]),
);
const registry = new Map<string, ObjectiveFactory>(BUILT_IN);

/** Every objective by name: the built-in ones, then plug-ins (qle report --objective-module / --objective). */
export const OBJECTIVES: ReadonlyMap<string, ObjectiveFactory> = registry;

/** Names that plug-ins cannot take. */
export const BUILT_IN_OBJECTIVES: readonly string[] = [...BUILT_IN.keys()];

/** Add a plug-in objective, or replace the plug-in of the same name; a built-in name is refused. */
export function registerObjective(factory: ObjectiveFactory): void {
  if (BUILT_IN.has(factory.name)) throw new ObjectiveError(`objective name ${JSON.stringify(factory.name)} is taken by a built-in objective`);
  registry.set(factory.name, factory);
}

/** Build an objective by name and dimension, with a one-line error for unknown names. */
export function createObjective(name: string, dims: number): Objective {
  const factory = OBJECTIVES.get(name);
  if (!factory) {
    throw new ObjectiveError(`unknown objective ${JSON.stringify(name)}; known: ${[...OBJECTIVES.keys()].join(', ')}`);
  }
  return factory.create(dims);
}

export * from './objective.ts';
export { inGlobalBasin, quench, type QuenchOptions, type QuenchResult } from './basin.ts';
export { mirrorObjective } from './mirror.ts';
export { createDoubleWell, doubleWellCriticalPoints, doubleWellValue, DEFAULT_TILT, MAX_TILT } from './double-well.ts';

