/** `qle step`: one step of Algorithm 1 under a reading, read as JSON on stdin (src/check/step-oracle.ts, schema/step.schema.json). */
import type { Command } from 'commander';
import { oracleStep, parseStepInput, StepInputError } from '../../check/step-oracle.ts';
import { ReadingError } from '../../core/reading.ts';
import { UsageError } from '../errors.ts';
import { readStdin } from '../parse.ts';

export function register(program: Command): void {
  program
    .command('step')
    .description('one step of Algorithm 1 (SPEC §7) under a B.2a reading: reads {reading, schedule, t, p, tensors:[{name, h}]} as JSON on stdin, prints {p, tensors:[{name, p, hq}], raises}')
    .option('--json', 'print the answer as one JSON object (the default and only format; kept for symmetry with the other commands)')
    .action(async () => {
      const text = await readStdin();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new UsageError('stdin must be one JSON object (see schema/step.schema.json); it is not valid JSON');
      }
      try {
        const output = oracleStep(parseStepInput(value));
        process.stdout.write(`${JSON.stringify(output)}\n`);
      } catch (error) {
        if (error instanceof StepInputError || error instanceof ReadingError || error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
    });
}
