/** `qle cifar10-readings RUN…`: the B.2a readings side by side on one CIFAR-10 grid, from committed reports (src/tfjs/readings.ts). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

interface ReadingsOptions {
  name: string;
  reportDir: string;
}

export function register(program: Command): void {
  program
    .command('cifar10-readings')
    .description('compare CIFAR-10 runs that differ only in the B.2a reading (SPEC §7): paired Table 1 differences, index trajectories, vanishing fractions; reads reports/cifar10/<run>/')
    .argument('<runs...>', 'committed report runs of one grid, e.g. mlp-train6144-e4 mlp-train6144-e4-tensor mlp-train6144-e4-reference')
    .requiredOption('--name <NAME>', 'output folder under --report-dir')
    .option('--report-dir <DIR>', 'parent of the report directories', 'reports/cifar10')
    .action(async (runs: string[], options: ReadingsOptions) => {
      if (runs.length < 2) throw new UsageError('cifar10-readings needs at least two runs to compare');
      if (!/^[A-Za-z0-9._-]+$/.test(options.name)) throw new UsageError(`--name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(options.name)}`);
      for (const run of runs) {
        if (!existsSync(join(options.reportDir, run, 'manifest.json'))) throw new UsageError(`no committed report ${run} in ${options.reportDir} (manifest.json missing)`);
      }
      const { renderReadingsReport } = await import('../../tfjs/readings.ts');
      try {
        process.stdout.write(`${await renderReadingsReport(options.reportDir, runs, options.name)}\n`);
      } catch (error) {
        if (error instanceof Error && /is not the same grid/.test(error.message)) throw new UsageError(error.message);
        throw error;
      }
    });
}
