/** Human and machine renderings of a CheckResult. */
import type { CheckResult } from './checker.ts';

const EXIT_MEANING = { 0: 'clean', 1: 'violations', 2: 'unusable input' } as const;

function pad(text: string | number, width: number, right = false): string {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

/** The text report: input problems, violations (line, rule, expected, found), then the summary table. */
export function formatText(result: CheckResult, file: string): string {
  const out: string[] = [];
  const h = result.header;
  out.push(
    h
      ? `qle check ${file}: ${result.records} records; ${h.mode}, η=${h.eta} b=${h.base}, κ=${h.kappa}, C=${h.C}, β=${h.beta}, p_max=${h.pMax}, t per ${h.timeUnit}, B.2a ${h.b2a ? 'on' : 'off'}, B.2b ${h.b2b ? 'on' : 'off'}, ${h.precision}`
      : `qle check ${file}: no usable header`,
  );
  for (const notice of result.notices) out.push(`line ${notice.line}: note: ${notice.message}`);
  if (result.inputErrorCount > 0) {
    out.push('', `unusable input (${result.inputErrorCount} line${result.inputErrorCount > 1 ? 's' : ''}):`);
    for (const error of result.inputErrors) out.push(`  line ${error.line}: ${error.message}`);
    if (result.inputErrorCount > result.inputErrors.length) out.push(`  … ${result.inputErrorCount - result.inputErrors.length} more`);
  }
  if (result.violations.length > 0) {
    out.push('', 'violations:');
    for (const v of result.violations) {
      out.push(`  line ${v.line} [${v.rule}]${v.severity === 'warning' ? ' (warning)' : ''} t=${v.t}: ${v.message}`);
      out.push(`      expected: ${v.expected}`);
      out.push(`      found:    ${v.found}`);
    }
    const shown = result.violations.length;
    const total = result.errorCount + result.warningCount;
    if (total > shown) out.push(`  … ${total - shown} more not shown (--max-per-rule)`);
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
    `result: ${result.errorCount} error${result.errorCount === 1 ? '' : 's'}, ${result.warningCount} warning${result.warningCount === 1 ? '' : 's'}, ${result.inputErrorCount} malformed line${result.inputErrorCount === 1 ? '' : 's'} → exit ${result.exitCode} (${EXIT_MEANING[result.exitCode]})`,
  );
  return `${out.join('\n')}\n`;
}

/** The JSON report (one object; stable field names for machines). */
export function formatJson(result: CheckResult, file: string): string {
  return `${JSON.stringify({ file, ...result, exitMeaning: EXIT_MEANING[result.exitCode] })}\n`;
}
