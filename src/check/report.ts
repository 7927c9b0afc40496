/** Human and machine renderings of a CheckResult. */
import type { CheckResult, Position, ViolationGroup } from './checker.ts';

const EXIT_MEANING = { 0: 'clean', 1: 'violations', 2: 'unusable input' } as const;

function pad(text: string | number, width: number, right = false): string {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

/** "3 violations", "1 violation". */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function where(position: Position): string {
  return `line ${position.line}, t=${position.t}${position.tensor === undefined ? '' : `, tensor ${position.tensor}`}`;
}

/** One group: a single violation with its position, or the count with the first and last positions. */
function groupLines(group: ViolationGroup): string[] {
  const level = group.severity === 'warning' ? ' (warning)' : '';
  let head: string;
  if (group.count === 1) head = `${where(group.first)} [${group.rule}]${level}: ${group.message}`;
  else {
    const tensors = group.tensors.length > 0 ? `; tensor${group.tensors.length > 1 || group.moreTensors ? 's' : ''} ${group.tensors.join(', ')}${group.moreTensors ? ', …' : ''}` : '';
    head = `[${group.rule}]${level} ${group.count}× (first ${where(group.first)}; last ${where(group.last)}${tensors}): ${group.message}`;
  }
  return [`  ${head}`, `      expected: ${group.expected}`, `      found:    ${group.found}`];
}

/** The text report: input problems, violations (identical ones collapsed, each with tensor and step), then the summary table. */
export function formatText(result: CheckResult, file: string): string {
  const out: string[] = [];
  const h = result.header;
  out.push(
    h
      ? `qle check ${file}: ${plural(result.records, 'record')}; ${h.version === 2 ? `v2, ${plural(h.tensors!.length, 'tensor')}, reading ${h.reading!.granularity}/${h.reading!.test}/${h.reading!.cap}-cap${h.reading!.b2aOnFirstStep ? '' : '/no-B.2a-on-first-step'}${h.sample === undefined ? '' : `, sample ${h.sample}`}, ` : ''}${h.mode}, η=${h.eta} b=${h.base}, κ=${h.kappa}, C=${h.C}, β=${h.beta}, p_max=${h.pMax}, t per ${h.timeUnit}, B.2a ${h.b2a ? 'on' : 'off'}, B.2b ${h.b2b ? 'on' : 'off'}, ${h.precision}`
      : `qle check ${file}: no usable header`,
  );
  for (const notice of result.notices) out.push(`line ${notice.line}: note: ${notice.message}`);
  if (result.inputErrorCount > 0) {
    out.push('', `unusable input (${plural(result.inputErrorCount, 'line')}):`);
    for (const error of result.inputErrors) out.push(`  line ${error.line}: ${error.message}`);
    if (result.inputErrorCount > result.inputErrors.length) out.push(`  … ${result.inputErrorCount - result.inputErrors.length} more`);
  }
  if (result.groups.length > 0) {
    out.push('', 'violations (those differing only in numbers collapsed, with the first one\'s text; --json lists every one):');
    for (const group of result.groups) out.push(...groupLines(group));
    const grouped = result.groups.reduce((n, g) => n + g.count, 0);
    const total = result.errorCount + result.warningCount;
    if (total > grouped) out.push(`  … ${plural(total - grouped, 'more violation')} of other kinds not listed (counted in the table)`);
  }
  if (result.summary.length > 0) {
    out.push('', `${pad('rule', 14)}${pad('level', 9)}${pad('checked', 10, true)}${pad('n/a', 10, true)}${pad('violations', 12, true)}  first line`);
    for (const s of result.summary) {
      out.push(
        `${pad(s.rule, 14)}${pad(s.severity, 9)}${pad(s.checked, 10, true)}${pad(s.notApplicable, 10, true)}${pad(s.violations, 12, true)}  ${s.firstLine ?? '-'}`,
      );
    }
  }
  out.push(
    '',
    `result: ${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}, ${plural(result.inputErrorCount, 'malformed line')} → exit ${result.exitCode} (${EXIT_MEANING[result.exitCode]})`,
  );
  return `${out.join('\n')}\n`;
}

/** The JSON report (one object; stable field names for machines). */
export function formatJson(result: CheckResult, file: string): string {
  return `${JSON.stringify({ file, ...result, exitMeaning: EXIT_MEANING[result.exitCode] })}\n`;
}
