/**
 * The trace checker: reads a trace line by line and runs every registered rule on every record.
 * Memory is bounded whatever the trace length: the previous record, per-rule counters, and at most
 * maxPerRule stored violations per rule (counts are always complete).
 *
 * Exit codes: 0 clean (warnings allowed), 1 error-level violations, 2 unusable input (no or invalid
 * header, no records, or any malformed line: the rest is still checked and reported).
 */
import { open, stat } from 'node:fs/promises';
import { makeGrid, QuantizerParamError, QuantizerRangeError } from '../core/quantizer.ts';
import { boundedIndex } from '../core/schedule.ts';
import { splitLines, streamLines, type Line, type LineNotice } from './lines.ts';
import { NOT_APPLICABLE, RULES, type Finding, type Outcome, type RuleCheck, type RuleDefinition, type Severity } from './rules/index.ts';
import { parseHeader, parseRecord, type LineError, type RecordShape, type TraceHeader, type TraceRecord, type TraceSettings } from './trace.ts';

export interface CheckOptions {
  /** Violations stored (and printed) per rule; counting goes on. Default 100. */
  readonly maxPerRule?: number;
  /** Malformed lines stored; counting goes on. Default 100. */
  readonly maxInputErrors?: number;
  /** The longest line accepted, in characters. */
  readonly maxLineChars?: number;
  /** The rules to run (default: all registered). */
  readonly rules?: readonly RuleDefinition[];
}

export interface Violation {
  readonly line: number;
  readonly rule: string;
  readonly severity: Severity;
  readonly t: number;
  /** Version 2: the tensor of the record. */
  readonly tensor?: string;
  readonly message: string;
  readonly expected: string | number;
  readonly found: string | number;
}

/** Where a violation was found. */
export interface Position {
  readonly line: number;
  readonly t: number;
  readonly tensor?: string;
}

/**
 * Violations of one rule whose messages are the same up to their numbers (p = 33 at t = 10 and at
 * t = 11, margins of successive steps) collapsed: a count, the first instance's text, the first
 * and last position.
 */
export interface ViolationGroup {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly expected: string | number;
  readonly found: string | number;
  count: number;
  readonly first: Position;
  last: Position;
  /** The distinct tensors, up to MAX_GROUP_TENSORS; moreTensors when there were others. */
  readonly tensors: string[];
  moreTensors: boolean;
}

const MAX_GROUP_TENSORS = 5;
const NUMBER = /-?\d+(\.\d+)?(e[-+]?\d+)?/gi;
/** Distinct groups kept per rule; the rule's violation count stays complete. */
const MAX_GROUPS_PER_RULE = 200;

export interface RuleSummary {
  readonly rule: string;
  readonly severity: Severity;
  readonly spec: string;
  readonly summary: string;
  /** Records the rule could check. */
  checked: number;
  /** Records lacking what the rule needs (fields, previous record, switch off). */
  notApplicable: number;
  violations: number;
  firstLine?: number;
}

export type ExitCode = 0 | 1 | 2;

export interface CheckResult {
  readonly header?: TraceHeader;
  readonly lines: number;
  readonly records: number;
  readonly notices: readonly LineNotice[];
  readonly inputErrors: readonly LineError[];
  readonly inputErrorCount: number;
  readonly violations: readonly Violation[];
  /** Every violation counted once in a group of identical ones (up to 200 groups per rule). */
  readonly groups: readonly ViolationGroup[];
  readonly summary: readonly RuleSummary[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly exitCode: ExitCode;
}

/** The trace file cannot be opened at all. */
export class TraceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceFileError';
  }
}

interface ActiveRule {
  readonly definition: RuleDefinition;
  readonly check: RuleCheck;
  readonly summary: RuleSummary;
  stored: number;
  readonly groups: Map<string, ViolationGroup>;
}

export class TraceChecker {
  private settings?: TraceSettings;
  private headerFailed = false;
  private rules: ActiveRule[] = [];
  private previous?: TraceRecord;
  /** Version 2: the last valid record of each tensor. */
  private readonly previousOf = new Map<string, TraceRecord>();
  /** Version 2: tensors that already had a record (a malformed line does not make the next one "first"). */
  private readonly seen = new Set<string>();
  private recordCount = 0;
  private lineCount = 0;
  private readonly shape: RecordShape = {};
  private readonly inputErrors: LineError[] = [];
  private inputErrorCount = 0;
  private readonly violations: Violation[] = [];
  private readonly maxPerRule: number;
  private readonly maxInputErrors: number;

  constructor(
    private readonly options: CheckOptions = {},
    private readonly tracePath?: string,
  ) {
    this.maxPerRule = options.maxPerRule ?? 100;
    this.maxInputErrors = options.maxInputErrors ?? 100;
  }

  /** Take the next line of the trace. */
  accept(line: Line): void {
    this.lineCount = line.number;
    if (this.headerFailed) return;
    if (!line.tooLong && line.text.trim() === '') return;
    if (!this.settings) {
      const parsed = parseHeader(line, this.tracePath);
      if (!parsed.ok) {
        this.headerFailed = true;
        this.inputError(parsed.error);
        return;
      }
      this.start(parsed.value);
      return;
    }
    const parsed = parseRecord(line, this.settings, this.shape);
    if (!parsed.ok) {
      this.inputError(parsed.error);
      this.previous = undefined;
      this.previousOf.clear();
      return;
    }
    this.checkRecord(parsed.value);
  }

  /** The result, once every line has been accepted. */
  finish(notices: readonly LineNotice[] = []): CheckResult {
    if (!this.settings && !this.headerFailed) this.inputError({ line: 1, message: 'empty trace: no header line' });
    else if (this.settings && this.recordCount === 0 && this.inputErrorCount === 0) {
      this.inputError({ line: this.lineCount + 1, message: 'no records after the header' });
    }
    this.settings?.sidecar?.close();
    const summary = this.rules.map((rule) => rule.summary);
    const errorCount = summary.filter((s) => s.severity === 'error').reduce((n, s) => n + s.violations, 0);
    const warningCount = summary.filter((s) => s.severity === 'warning').reduce((n, s) => n + s.violations, 0);
    const exitCode: ExitCode = this.inputErrorCount > 0 ? 2 : errorCount > 0 ? 1 : 0;
    return {
      header: this.settings?.header,
      lines: this.lineCount,
      records: this.recordCount,
      notices,
      inputErrors: this.inputErrors,
      inputErrorCount: this.inputErrorCount,
      violations: [...this.violations].sort((a, b) => a.line - b.line),
      groups: this.rules.flatMap((rule) => [...rule.groups.values()]).sort((a, b) => a.first.line - b.first.line),
      summary,
      errorCount,
      warningCount,
      exitCode,
    };
  }

  private start(settings: TraceSettings): void {
    this.settings = settings;
    const definitions = this.options.rules ?? RULES;
    this.rules = definitions.map((definition) => ({
      definition,
      check: definition.create(settings),
      stored: 0,
      groups: new Map(),
      summary: {
        rule: definition.id,
        severity: definition.severity,
        spec: definition.spec,
        summary: definition.summary,
        checked: 0,
        notApplicable: 0,
        violations: 0,
      },
    }));
  }

  /** The record this one follows in the index's chain: the same tensor's (per-tensor index) or the file's previous. */
  private indexPredecessor(record: TraceRecord): TraceRecord | undefined {
    if (record.tensor && this.settings!.reading.granularity === 'per-tensor') return this.previousOf.get(record.tensor.name);
    return this.previous;
  }

  /** The index the step started with, before any B.2a raise (see RuleContext.stepStart). */
  private stepStart(record: TraceRecord, first: boolean): number | undefined {
    const previous = this.indexPredecessor(record);
    if (!previous) {
      const p0 = this.settings!.header.p0;
      return first && record.t === 0 ? p0 : undefined;
    }
    if (record.t === previous.t) return previous.p;
    if (record.t !== previous.t + 1) return undefined;
    // B.2b between the steps at t−1 and t, as the core Scheduler's tick applies it (SPEC §7).
    return this.settings!.switches.bound ? boundedIndex(previous.p, previous.t, this.settings!.params) : previous.p;
  }

  private checkRecord(record: TraceRecord): void {
    const settings = this.settings!;
    const name = record.tensor?.name;
    const first = name === undefined ? this.recordCount === 0 : !this.seen.has(name);
    const context = {
      settings,
      grid: makeGrid(settings.header.eta, settings.header.base, record.p),
      previous: name === undefined ? this.previous : this.previousOf.get(name),
      indexBefore: this.indexPredecessor(record)?.p,
      stepStart: this.stepStart(record, first),
      first,
    };
    for (const rule of this.rules) {
      const outcome = evaluate(rule.check, record, context);
      if (outcome === NOT_APPLICABLE) {
        rule.summary.notApplicable += 1;
        continue;
      }
      rule.summary.checked += 1;
      if (outcome === undefined) continue;
      rule.summary.violations += 1;
      rule.summary.firstLine ??= record.line;
      this.group(rule, record, outcome);
      if (rule.stored < this.maxPerRule) {
        rule.stored += 1;
        const at = name === undefined ? {} : { tensor: name };
        this.violations.push({ line: record.line, rule: rule.definition.id, severity: rule.definition.severity, t: record.t, ...at, ...outcome });
      }
    }
    this.recordCount += 1;
    this.previous = record;
    if (name !== undefined) {
      this.previousOf.set(name, record);
      this.seen.add(name);
    }
  }

  /** Count a violation in its group of identical ones. */
  private group(rule: ActiveRule, record: TraceRecord, finding: Finding): void {
    const key = finding.message.replace(NUMBER, '#');
    const position: Position = record.tensor ? { line: record.line, t: record.t, tensor: record.tensor.name } : { line: record.line, t: record.t };
    let group = rule.groups.get(key);
    if (!group) {
      if (rule.groups.size >= MAX_GROUPS_PER_RULE) return;
      group = { rule: rule.definition.id, severity: rule.definition.severity, ...finding, count: 0, first: position, last: position, tensors: [], moreTensors: false };
      rule.groups.set(key, group);
    }
    group.count += 1;
    group.last = position;
    const tensor = record.tensor?.name;
    if (tensor !== undefined && !group.tensors.includes(tensor)) {
      if (group.tensors.length < MAX_GROUP_TENSORS) group.tensors.push(tensor);
      else group.moreTensors = true;
    }
  }

  private inputError(error: LineError): void {
    this.inputErrorCount += 1;
    if (this.inputErrors.length < this.maxInputErrors) this.inputErrors.push(error);
  }
}

/**
 * Run one rule. Values the quantizer cannot represent exactly (|Q_p·x| >= 2^53, SPEC §1: "a clear
 * error") are the implementation's problem, reported as a finding of the rule, never a crash.
 */
function evaluate(check: RuleCheck, record: TraceRecord, context: Parameters<RuleCheck>[1]): Outcome {
  try {
    return check(record, context);
  } catch (error) {
    if (!(error instanceof QuantizerRangeError || error instanceof QuantizerParamError)) throw error;
    return { message: `cannot be evaluated: ${error.message}`, expected: 'values within the exact range of Q_p (SPEC §1)', found: error.message };
  }
}

/** Check a trace held in a string (tests, small inputs). */
export function checkText(text: string, options: CheckOptions = {}): CheckResult {
  const checker = new TraceChecker(options);
  const { lines, notices } = splitLines(text, options.maxLineChars);
  for (const line of lines) checker.accept(line);
  return checker.finish(notices);
}

/** Check a trace file, streaming: bounded memory whatever its size. */
export async function checkFile(path: string, options: CheckOptions = {}): Promise<CheckResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new TraceFileError(`${path} is not a file`);
    // stat succeeds on a file without read permission: open it, so that is a TraceFileError too.
    await (await open(path, 'r')).close();
  } catch (error) {
    if (error instanceof TraceFileError) throw error;
    throw new TraceFileError(`cannot read trace ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const checker = new TraceChecker(options, path);
  const notices = await streamLines(path, (line) => checker.accept(line), options.maxLineChars);
  return checker.finish(notices);
}
