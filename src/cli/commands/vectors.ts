/** `qle vectors --out DIR`: conformance vectors for other implementations' test suites (src/check/vectors.ts). */
import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomic-write.ts';
import { join } from 'node:path';
import { buildVectors, learningTrace, traceable } from '../../check/vectors.ts';
import { checkOutputDirectory } from '../paths.ts';

export function register(program: Command): void {
  program
    .command('vectors')
    .description('write conformance vectors (quantizer, schedule, learning runs, example traces) as JSON into DIR')
    .requiredOption('--out <DIR>', 'output directory (created if missing)')
    .action((options: { out: string }) => {
      const dir = checkOutputDirectory('out', options.out);
      const vectors = buildVectors();
      const json = (value: unknown) => `${JSON.stringify(value, null, 1)}\n`;
      writeFileAtomic(join(dir, 'quantizer.json'), json(vectors.quantizer));
      writeFileAtomic(join(dir, 'schedule.json'), json(vectors.schedule));
      writeFileAtomic(join(dir, 'learning.json'), json(vectors.learning));
      for (const run of vectors.learning.runs.filter(traceable)) writeFileAtomic(join(dir, 'traces', `${run.name}.jsonl`), learningTrace(run));
      writeFileAtomic(join(dir, 'manifest.json'), json(vectors.manifest));
      const count = vectors.quantizer.cases.length + vectors.quantizer.rangeErrors.length;
      process.stdout.write(
        `wrote ${dir}: ${count} quantizer cases, ${vectors.schedule.schedules.length} schedules, ${vectors.learning.runs.length} learning runs (+ traces)\n`,
      );
    });
}
