/** `qle quantize`: quantize a JSON array of numbers from stdin on the grid G_p (SPEC §1). */
import type { Command } from 'commander';
import { gridIndex, gridValue, makeGrid, QUANT_MODES, type QuantMode } from '../../core/quantizer.ts';
import { UsageError } from '../errors.ts';
import { parseChoice, parseInteger, readStdin } from '../parse.ts';

interface QuantizeOptions {
  mode: QuantMode;
  eta: number;
  base: number;
  p: number;
  json?: boolean;
}

/** Parse stdin as a JSON array of finite numbers, naming the first bad element. */
export function parseValues(text: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('stdin must be a JSON array of numbers (it is not valid JSON)');
  }
  if (!Array.isArray(parsed)) throw new UsageError('stdin must be a JSON array of numbers');
  parsed.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      // JSON has no Infinity, but a literal like 1e400 parses to it: name it rather than print null.
      const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
      throw new UsageError(`stdin[${i}] must be a finite number, got ${shown}`);
    }
  });
  return parsed as number[];
}

export function register(program: Command): void {
  program
    .command('quantize')
    .description('quantize a JSON array of numbers read on stdin: x^Q and the errors x^Q − x (SPEC §1)')
    .requiredOption('--mode <mode>', 'round or floor', parseChoice('mode', QUANT_MODES))
    .option('--eta <E>', 'η (integer >= 1)', parseInteger('eta', 1), 1)
    .option('--base <B>', 'base b (integer >= 2)', parseInteger('base', 2), 2)
    .requiredOption('--p <P>', 'index p (integer, may be negative)', parseInteger('p'))
    .option('--json', 'print {"Q", "values", "errors"}')
    .action(async (options: QuantizeOptions) => {
      const grid = makeGrid(options.eta, options.base, options.p);
      const inputs = parseValues(await readStdin());
      const values = inputs.map((x, i) => {
        try {
          return gridValue(gridIndex(x, grid, options.mode), grid);
        } catch (error) {
          throw new UsageError(`stdin[${i}] = ${x}: ${(error as Error).message}`);
        }
      });
      const errors = values.map((v, i) => v - inputs[i]);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ Q: grid.Q, values, errors })}\n`);
        return;
      }
      const lines = [`Q = ${grid.Q} (η = ${grid.eta}, b = ${grid.base}, p = ${grid.p}, mode ${options.mode})`];
      for (let i = 0; i < inputs.length; i++) lines.push(`${inputs[i]}\t${values[i]}\t${errors[i]}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
