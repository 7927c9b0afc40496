/** `qle check TRACE.jsonl`: check another implementation's trace against the SPEC (src/check). */
import type { Command } from 'commander';
import { checkFile, TraceFileError, type CheckResult } from '../../check/checker.ts';
import { formatJson, formatText } from '../../check/report.ts';
import { RULES } from '../../check/rules/index.ts';
import { UsageError } from '../errors.ts';
import { parseInteger } from '../parse.ts';
import { checkInputFile, parseList } from '../paths.ts';

interface CheckOptions {
  json?: boolean;
  maxPerRule?: number;
  maxLineChars?: number;
  rules?: string[];
}

function selectRules(wanted: string[] | undefined) {
  if (wanted === undefined) return RULES;
  const unknown = wanted.filter((id) => !RULES.some((rule) => rule.id === id));
  if (unknown.length > 0) throw new UsageError(`--rules: unknown rule ${unknown.join(', ')}; known: ${RULES.map((r) => r.id).join(', ')}`);
  return RULES.filter((rule) => wanted.includes(rule.id));
}

export function register(program: Command): void {
  program
    .command('check')
    .description('check a qle trace (JSON Lines, schema/trace.schema.json) against the SPEC; exit 0 clean, 1 violations, 2 unusable input')
    .argument('<trace>', 'the trace file (.jsonl)')
    .option('--json', 'print one JSON object for machines')
    .option('--max-per-rule <N>', 'violation instances kept per rule (all are counted; text collapses identical ones; default: 20, all with --json)', parseInteger('max-per-rule', 0))
    .option('--max-line-chars <N>', 'longest line accepted, in characters', parseInteger('max-line-chars', 1))
    .option('--rules <ids>', `comma-separated rule ids to run (default all: ${RULES.map((r) => r.id).join(', ')})`, parseList('rules', 'rule id'))
    .action(async (trace: string, options: CheckOptions) => {
      const rules = selectRules(options.rules);
      checkInputFile('<trace>', trace);
      let result: CheckResult;
      try {
        result = await checkFile(trace, { maxPerRule: options.maxPerRule ?? (options.json ? Number.POSITIVE_INFINITY : 20), maxLineChars: options.maxLineChars, rules });
      } catch (error) {
        if (error instanceof TraceFileError) throw new UsageError(error.message);
        throw error;
      }
      process.stdout.write(options.json ? formatJson(result, trace) : formatText(result, trace));
      process.exitCode = result.exitCode;
    });
}
