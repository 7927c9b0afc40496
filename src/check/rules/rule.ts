/**
 * A check rule: one SPEC statement tested on every record. A rule file exports one RuleDefinition;
 * registering it is one line in ./index.ts.
 */
import type { Grid } from '../../core/quantizer.ts';
import type { TraceRecord, TraceSettings } from '../trace.ts';

/** error: a violation of the SPEC (exit 1). warning: reported, never fails the check. */
export type Severity = 'error' | 'warning';

/** What a rule found wrong with one record. */
export interface Finding {
  readonly message: string;
  readonly expected: string | number;
  readonly found: string | number;
}

/** The record lacks what the rule needs (a field, the previous record, a switch): not counted as checked. */
export const NOT_APPLICABLE = Symbol('not applicable');

/** undefined: checked and fine. */
export type Outcome = Finding | undefined | typeof NOT_APPLICABLE;

export interface RuleContext {
  readonly settings: TraceSettings;
  /** G_p of the record's index. */
  readonly grid: Grid;
  /** The record of the step just before (of the same tensor in version 2), when it was read and valid (a malformed line breaks the chain). */
  readonly previous?: TraceRecord;
  /** The index in force just before this record: the previous record's (the same tensor's under a per-tensor index). */
  readonly indexBefore?: number;
  /** The first record (of its tensor, in version 2). */
  readonly first?: boolean;
  /**
   * The index the step started with before any B.2a raise: the previous record's p after the
   * core Scheduler's B.2b tick (when t advanced), or header p0 for a first record at t = 0.
   */
  readonly stepStart?: number;
}

export type RuleCheck = (record: TraceRecord, context: RuleContext) => Outcome;

export interface RuleDefinition {
  /** Stable identifier users filter and grep on. */
  readonly id: string;
  readonly severity: Severity;
  /** The SPEC section the rule enforces. */
  readonly spec: string;
  /** One sentence for the rules table. */
  readonly summary: string;
  /** A fresh check function per trace (rules with memory keep it in the closure). */
  create(settings: TraceSettings): RuleCheck;
}

/** Format a number so that it round-trips (the shortest decimal of the double). */
export function num(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** The component of the tensor that position i of the record's vectors holds (sampled vectors hold a subset). */
export function component(record: TraceRecord, i: number): number {
  return record.components ? record.components[i] : i;
}

/** "1 component", "3 components". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "(and 3 more components)" or ''. */
export function more(count: number): string {
  return count > 1 ? ` (and ${count - 1} more component${count > 2 ? 's' : ''})` : '';
}
