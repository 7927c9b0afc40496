/** The study registry: one line per study, in the order `report` runs them. */
import { ablations } from './ablations.ts';
import { headline } from './headline.ts';
import { lrSweep } from './lr-sweep.ts';
import type { Study } from './study.ts';
import { theorem } from './theorem.ts';

export const STUDIES: ReadonlyMap<string, Study> = new Map([headline, theorem, ablations, lrSweep].map((s) => [s.name, s]));
export const STUDY_NAMES: readonly string[] = [...STUDIES.keys()];
export type { Study, StudyOptions } from './study.ts';
