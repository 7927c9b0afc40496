/** The rule registry: adding a rule is one file in this folder plus one entry here. */
import { annealing } from './annealing.ts';
import { b2aAllZero } from './b2a-all-zero.ts';
import { b2aMissed } from './b2a-missed.ts';
import { clock } from './clock.ts';
import { errorBound } from './error-bound.ts';
import { onGrid } from './on-grid.ts';
import { pBound } from './p-bound.ts';
import { pMax } from './p-max.ts';
import { pMonotone } from './p-monotone.ts';
import { quantize } from './quantize.ts';
import { summary } from './summary.ts';
import type { RuleDefinition } from './rule.ts';
import { update } from './update.ts';

export const RULES: readonly RuleDefinition[] = [
  quantize,
  errorBound,
  pMonotone,
  pMax,
  pBound,
  b2aAllZero,
  b2aMissed,
  summary,
  onGrid,
  update,
  clock,
  annealing,
];

export * from './rule.ts';
