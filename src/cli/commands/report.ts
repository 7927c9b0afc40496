/**
 * `qle report` (`npm run report`): the simulation studies (simulations/), the measured evidence for
 * the claims about the quantized step (reports/spec, src/claims/evidence.ts), and last the claims
 * ledger (reports/CLAIMS.md, claims.json) built from every results file on disk.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { ReportRequestError, runReport, validateRequest, type ReportRequest } from '../../../simulations/report.ts';
import { STUDY_NAMES } from '../../../simulations/studies/index.ts';
import { writeSpecEvidence } from '../../claims/evidence.ts';
import { ledgerRoot, writeClaims } from '../../claims/ledger.ts';
import { parseInteger, parseNumber, positive } from '../parse.ts';
import { cacheDir } from '../../io/cache-dir.ts';
import { parseList } from '../paths.ts';
import { UsageError } from '../errors.ts';

interface ReportOptions {
  full?: boolean;
  runs?: number;
  steps?: number;
  seed?: number;
  delta?: number;
  epsilon?: number;
  optimizers?: string[];
  objectives?: string[];
  workers: number;
  out: string;
  cache: string | false;
  fresh?: boolean;
  figures: boolean;
  objectiveModule?: string;
  objectiveDims?: number[];
  objective?: string;
  objectiveBox?: [number, number];
  optimizerModule?: string;
}

/** `L,U`: the box of a formula objective. */
function parseBox(raw: string): [number, number] {
  const parts = raw.split(',');
  const numbers = parts.map((part) => (part.trim() === '' ? NaN : Number(part)));
  if (numbers.length !== 2 || !numbers.every(Number.isFinite) || !(numbers[0] < numbers[1])) {
    throw new UsageError(`--objective-box must be L,U with finite L < U, got ${JSON.stringify(raw)}`);
  }
  return [numbers[0], numbers[1]];
}


/** Reports that are not cell studies: the spec evidence, and the ledger alone (it is also written after every run). */
const EXTRA_REPORTS = ['spec', 'claims'] as const;

export function register(program: Command): void {
  program
    .command('report')
    .description(`run simulation studies and write reports/<study>/, then the claims ledger reports/CLAIMS.md (reports: ${[...STUDY_NAMES, ...EXTRA_REPORTS].join(', ')}; default all)`)
    .argument('[studies...]', 'studies to run')
    .option('--full', 'the large study (1000 runs per cell, 10^5 evaluations per run)')
    .option('--runs <N>', 'runs per cell (overrides the scale)', parseInteger('runs', 1))
    .option('--steps <N>', 'evaluations per run (overrides the scale)', parseInteger('steps', 1))
    .option('--seed <S>', 'study seed', parseInteger('seed', 1))
    .option('--delta <D>', 'hit radius δ around a global minimiser (> 0)', parseNumber('delta', positive))
    .option('--epsilon <E>', 'hit tolerance ε on f − f* (> 0)', parseNumber('epsilon', positive))
    .option('--optimizers <LIST>', 'comma-separated optimizers to keep', parseList('optimizers', 'optimizer'))
    .option('--objectives <LIST>', 'comma-separated objectives to keep', parseList('objectives', 'objective'))
    .option('--workers <N>', 'worker threads (0: run in this thread)', parseInteger('workers', 0), Math.min(2, availableParallelism()))
    .option('--out <DIR>', 'output directory', 'reports')
    .option('--cache <DIR>', 'per-cell cache directory (resume); default .cache/simulations or $QLE_CACHE_DIR/simulations', cacheDir('simulations'))
    .option('--no-cache', 'do not read or write the per-cell cache')
    .option('--fresh', 'ignore cached cells: start clean')
    .option('--no-figures', 'skip SVG/PNG figures')
    .option('--objective-module <FILE>', 'add your objective: a module exporting an ObjectiveFactory (examples/plugins/objective.ts)')
    .option('--objective-dims <D,...>', 'dimensions to run the module objective at (default: its own list; 2 for any d)', parseList('objective-dims', 'dimension', parseInteger('objective-dims', 1, 1000)))
    .option('--objective <EXPR>', "add an objective typed as a formula in x (d = 1) or x1 … xd, e.g. 'x^4/4 - x^2/2 + 0.1*x' (mathjs; minimisers found numerically)")
    .option('--objective-box <L,U>', 'box of the formula objective (default -5,5)', parseBox)
    .option('--optimizer-module <FILE>', 'add your optimizer: a module exporting an OptimizerPlugin (examples/plugins/optimizer.ts)')
    .action(async (studies: string[], options: ReportOptions) => {
      const all = [...STUDY_NAMES, ...EXTRA_REPORTS];
      for (const name of studies) {
        if (!all.includes(name)) throw new ReportRequestError(`unknown study ${JSON.stringify(name)}; known: ${all.join(', ')}`);
      }
      const cellStudies = studies.filter((s) => !(EXTRA_REPORTS as readonly string[]).includes(s));
      const everything = studies.length === 0;
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const request: ReportRequest = {
        studies: cellStudies.length ? cellStudies : undefined,
        full: options.full,
        runs: options.runs,
        steps: options.steps,
        seed: options.seed,
        delta: options.delta,
        epsilon: options.epsilon,
        optimizers: options.optimizers,
        objectives: options.objectives,
        workers: options.workers,
        outDir: options.out,
        cacheDir: options.cache === false ? null : options.cache,
        fresh: options.fresh,
        figures: options.figures,
        objectiveModule: options.objectiveModule,
        objectiveDims: options.objectiveDims,
        objective: options.objective,
        objectiveBox: options.objectiveBox,
        optimizerModule: options.optimizerModule,
        log,
      };
      validateRequest(request);
      if (everything || cellStudies.length) await runReport(request);
      if (everything || studies.includes('spec')) {
        const started = performance.now();
        const dir = await writeSpecEvidence(ledgerRoot(options.out), 'npm run report -- spec', options.figures);
        log(`spec: evidence for the claims about the quantized step in ${((performance.now() - started) / 1000).toFixed(1)} s → ${dir}/report.md`);
      }
      log(`claims: ${writeClaims(ledgerRoot(options.out)).join(', ')}`);
    });
}
