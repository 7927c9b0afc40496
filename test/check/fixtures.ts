/** Known-good traces from the core (src/check/sample-run.ts) and helpers to break them on purpose. */
import { sampleTrace, type SampleRunOptions } from '../../src/check/sample-run.ts';
import type { CheckResult } from '../../src/check/checker.ts';

export function sampleLines(options: Partial<SampleRunOptions> = {}): string[] {
  return [...sampleTrace({ steps: 120, ...options })];
}

export function joinLines(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

type Json = Record<string, unknown>;

/** Replace line `lineNumber` (1-based) by edit(parsed line). */
export function editLine(lines: readonly string[], lineNumber: number, edit: (value: Json) => void): string[] {
  const copy = [...lines];
  const value = JSON.parse(copy[lineNumber - 1]) as Json;
  edit(value);
  copy[lineNumber - 1] = JSON.stringify(value);
  return copy;
}

/** The rule ids flagged on a line. */
export function rulesOnLine(result: CheckResult, line: number): string[] {
  return result.violations.filter((v) => v.line === line).map((v) => v.rule);
}

/** The first line (≥ from) whose record satisfies a predicate. */
export function findLine(lines: readonly string[], from: number, predicate: (value: Json) => boolean): number {
  for (let i = from - 1; i < lines.length; i++) if (predicate(JSON.parse(lines[i]) as Json)) return i + 1;
  throw new Error('no such line in the sample trace');
}
