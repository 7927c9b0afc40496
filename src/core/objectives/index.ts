/** The objective registry: one line per objective. */
import { ackley } from './ackley.ts';
import { doubleWell } from './double-well.ts';
import { griewank } from './griewank.ts';
import { ObjectiveError, type Objective, type ObjectiveFactory } from './objective.ts';
import { rastrigin } from './rastrigin.ts';
import { sixHumpCamel } from './six-hump-camel.ts';
import { styblinskiTang } from './styblinski-tang.ts';

export const OBJECTIVES: ReadonlyMap<string, ObjectiveFactory> = new Map(
  [rastrigin, ackley, styblinskiTang, griewank, sixHumpCamel, doubleWell].map((f) => [f.name, f]),
);

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

