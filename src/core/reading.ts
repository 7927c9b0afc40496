/**
 * The readings of Algorithm 1's B.2a on a network of many tensors (SPEC §7, "Readings of B.2a that
 * decide results"). The paper treats w as one vector; a network is many tensors, and the paper's
 * words leave three granularities, two vanishing tests and two caps open. Each is a legitimate
 * reading and they give different learners, so every report names the reading it used.
 */
import type { QuantMode } from './quantizer.ts';
import type { TimeUnit } from './schedule.ts';

/**
 * Which quantized step B.2a tests, and which index it raises (SPEC §7):
 * - `all`: one index; raised while the step of all weights together vanishes (the literal text);
 * - `tensor`: one index; tensors visited in order, raised while the current tensor's step vanishes
 *   (the reference code's loop: a raise applies to the current tensor and every later one);
 * - `per-tensor`: one index per tensor, each raised by its own tensor's vanishing.
 */
export type Granularity = 'all' | 'tensor' | 'per-tensor';

/** When a quantized step "vanishes": every component zero (the paper), or its sum zero (the reference code). */
export type VanishingTest = 'all-zero' | 'sum';

/** How far B.2a may raise: while p < p_max (`strict`, SPEC §7) or while p ≤ p_max (`reference`: p reaches p_max + 1). */
export type CapRule = 'strict' | 'reference';

export interface Reading {
  readonly granularity: Granularity;
  readonly test: VanishingTest;
  readonly cap: CapRule;
  readonly mode: QuantMode;
  /** B.2a also runs on the learner's first step (false: the reference QtSGD, whose counter starts at 0, skips it). */
  readonly b2aOnFirstStep: boolean;
}

export const GRANULARITIES: readonly Granularity[] = ['all', 'tensor', 'per-tensor'];
export const VANISHING_TESTS: readonly VanishingTest[] = ['all-zero', 'sum'];
export const CAP_RULES: readonly CapRule[] = ['strict', 'reference'];

/** The named readings. `paper` is the literal text and the default; `reference` is the authors' code. */
export const READINGS = Object.freeze({
  paper: Object.freeze<Reading>({ granularity: 'all', test: 'all-zero', cap: 'strict', mode: 'round', b2aOnFirstStep: true }),
  tensor: Object.freeze<Reading>({ granularity: 'tensor', test: 'all-zero', cap: 'strict', mode: 'round', b2aOnFirstStep: true }),
  'per-tensor': Object.freeze<Reading>({ granularity: 'per-tensor', test: 'all-zero', cap: 'strict', mode: 'round', b2aOnFirstStep: true }),
  reference: Object.freeze<Reading>({ granularity: 'tensor', test: 'sum', cap: 'reference', mode: 'round', b2aOnFirstStep: false }),
});

export type ReadingName = keyof typeof READINGS;
export const READING_NAMES = Object.keys(READINGS) as ReadingName[];

/**
 * What a named reading fixes beyond B.2a: the reference code also switches B.2b off and ticks its
 * clock per optimizer step. The other presets leave both to the caller.
 */
export const READING_SWITCHES: Readonly<Record<ReadingName, { readonly b2b?: boolean; readonly clock?: TimeUnit }>> = Object.freeze({
  paper: {},
  tensor: {},
  'per-tensor': {},
  reference: { b2b: false, clock: 'step' },
});

/** A reading that makes no sense: names the field. */
export class ReadingError extends RangeError {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'ReadingError';
  }
}

/** The name of a preset equal to `reading`, or a compact description (for reports and manifests). */
export function describeReading(reading: Reading): string {
  for (const name of READING_NAMES) if (sameReading(READINGS[name], reading)) return name;
  const first = reading.b2aOnFirstStep ? '' : ', no B.2a on the first step';
  return `${reading.granularity}/${reading.test}/${reading.cap}-cap/${reading.mode}${first}`;
}

export function sameReading(a: Reading, b: Reading): boolean {
  return a.granularity === b.granularity && a.test === b.test && a.cap === b.cap && a.mode === b.mode && a.b2aOnFirstStep === b.b2aOnFirstStep;
}

/**
 * A reading from a preset name or a (possibly partial) object; fields left out take the `paper`
 * preset's values. Throws ReadingError naming the first bad field.
 */
export function resolveReading(input: unknown): Reading {
  if (typeof input === 'string') {
    if (!(input in READINGS)) throw new ReadingError('reading', `reading must be one of ${READING_NAMES.join(', ')} or an object, got '${input}'`);
    return READINGS[input as ReadingName];
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ReadingError('reading', `reading must be a preset name or an object, got ${JSON.stringify(input)}`);
  }
  const fields = input as Record<string, unknown>;
  const known = ['granularity', 'test', 'cap', 'mode', 'b2aOnFirstStep'];
  for (const key of Object.keys(fields)) if (!known.includes(key)) throw new ReadingError(key, `reading has no field '${key}' (fields: ${known.join(', ')})`);
  const pick = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const value = fields[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      throw new ReadingError(field, `reading.${field} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };
  const paper = READINGS.paper;
  const first = fields.b2aOnFirstStep;
  if (first !== undefined && typeof first !== 'boolean') throw new ReadingError('b2aOnFirstStep', `reading.b2aOnFirstStep must be true or false, got ${JSON.stringify(first)}`);
  return Object.freeze({
    granularity: pick('granularity', GRANULARITIES, paper.granularity),
    test: pick('test', VANISHING_TESTS, paper.test),
    cap: pick('cap', CAP_RULES, paper.cap),
    mode: pick('mode', ['round', 'floor'] as const, paper.mode),
    b2aOnFirstStep: first ?? paper.b2aOnFirstStep,
  });
}

/** The highest index B.2a may raise to under the cap rule (SPEC §7). */
export function raiseCeiling(cap: CapRule, pMax: number): number {
  return cap === 'reference' ? pMax + 1 : pMax;
}

/**
 * The vanishing test of B.2a on dq[offset … offset+n) (SPEC §7). `nonZero` is the count of
 * non-zero components, which the quantizer returns for free; the `sum` test adds the components in
 * index order in float64, as a sequential reduction would.
 */
export function vanishes(test: VanishingTest, dq: Float64Array, offset: number, n: number, nonZero: number): boolean {
  if (nonZero === 0) return true;
  if (test === 'all-zero') return false;
  let sum = 0;
  for (let i = offset; i < offset + n; i++) sum += dq[i];
  return sum === 0;
}
