/**
 * Assembles one study's report directory: report.md (opening with its verdict), results.json (with
 * the verdict and every paired comparison), summary.csv, and the figures (Vega-Lite spec, SVG, PNG).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { pluginSection } from '../plugins.ts';
import { join } from 'node:path';
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper } from '../hyper.ts';
import { quantizesNoisyGradient, ROSTER } from '../roster.ts';
import type { Study } from '../studies/study.ts';
import { CLOCK_RULE, csv, PAIRED_RULE, rows, summaryOf, type Family } from '../studies/common.ts';
import { renderFigure } from '../../src/report/figures.ts';
import { num, table } from '../../src/report/format.ts';
import { writeFileAtomic } from './write.ts';

/** results.json schema id and version (simulations/results.schema.json). */
export const RESULTS_SCHEMA = 'qle-simulations-results';
export const RESULTS_VERSION = 2;

export const SEED_RULE =
  'start of run r: createRng(deriveSeed(seed, problemIndex, r, 1)), the same for every optimizer on a problem; ' +
  'noise of run r: createRng(deriveSeed(seed, cellIndex, r)) (core rng.ts)';

export interface ReportMeta {
  /** The command that regenerates this report. */
  readonly command: string;
  readonly codeVersion: string;
  readonly options: Record<string, unknown>;
}

export function resultsDocument(
  study: Study,
  cells: readonly CellConfig[],
  results: readonly CellResult[],
  meta: ReportMeta,
  verdict: readonly string[] = [],
  families: readonly Family[] = [],
) {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    study: study.name,
    title: study.title,
    command: meta.command,
    codeVersion: meta.codeVersion,
    options: meta.options,
    seedRule: SEED_RULE,
    verdict,
    comparisons: families,
    cells: cells.map((config, i) => ({ config, hyper: problemHyper(config.problem), result: results[i] })),
  };
}

/** Which gradient the quantized optimizers of these cells use: exact, except the `-noise` variants. */
function gradientRule(cells: readonly CellConfig[]): string {
  const noisy = [...new Set(cells.filter((c) => quantizesNoisyGradient(c.spec)).map((c) => c.optimizer))];
  const exception = noisy.length
    ? `, except ${noisy.join(', ')}: they quantize the step of SGD's noisy gradient (exact gradient + N(0, σ²) per component from ` +
      "the run's own generator, the same σ as sgd on that problem)"
    : '';
  return `- Quantized optimizers use the exact gradient (the quantization is their only noise)${exception}; b = 2, η = 1, round quantizer unless stated.`;
}

/** The B.2a reading every quantized cell used (SPEC §7): each run is one vector, so only the test, cap and first-step rule can differ. */
function readingLine(cells: readonly CellConfig[]): string {
  const readings = [...new Set(cells.flatMap((c) => (c.spec.kind === 'proposed' ? [c.spec.reading ?? 'paper'] : [])))];
  if (readings.length === 0) return '- B.2a reading: none of these optimizers runs B.2a.';
  return `- B.2a reading (SPEC §7) of the proposed optimizers: ${readings.map((r) => `\`${r}\``).join(', ')} (core Learner; each run is one vector, so the granularities coincide and only the vanishing test, the cap and the first-step rule could differ). Conventional fixed-p quantizers run no B.2a.`;
}

function methodSection(cells: readonly CellConfig[]): string {
  const names = [...new Set(cells.map((c) => c.optimizer.split('/')[0]))];
  const runs = [...new Set(cells.map((c) => c.runs))].join(', ');
  const steps = [...new Set(cells.map((c) => c.steps))].join(', ');
  const first = cells[0];
  return [
    '## Method',
    '',
    `- Budget: every run of every optimizer gets the same number of evaluations (${steps}) on the same problem; ${runs} runs per cell. ` +
      'Gradient methods spend one gradient evaluation per step; simulated annealing spends one function evaluation per step, counted against the same budget.',
    readingLine(cells),
    '- Starts: uniform in the objective\'s box (or the start box a study states), the same points for every optimizer on a problem. Quantized optimizers ' +
      'do not snap them to a grid: only the displacement w_t − w_0 is a sum of grid steps (core Learner, weightsOnGrid false), as on the tfjs path.',
    `- Global basin: the iterate lies in the basin of attraction of a global minimiser under gradient flow — the objective's closed form where it has one ` +
      '(the double well: left of the barrier top), else the end point of quenching it with gradient descent (core quench: Armijo steps, moves capped at 1/200 of the box) ' +
      'lies within 10^-3 box widths of a global minimiser. This is what Theorem 3.1 speaks about (the law concentrating on the global minimisers), unlike the within-δ rate, ' +
      'which also measures the thermal width of the well at the final temperature.',
    `- Hits: δ-hit = final iterate within δ = ${num(first.delta)} of a global minimiser (core distanceToMinimiser); ε-hit = final f − f* < ε = ${num(first.epsilon)}. ` +
      'Rates carry 95% Wilson intervals (core wilsonInterval). Hitting times are first checkpoints (about ten per decade of evaluations) at which f − f* fell below a target ' +
      `(${first.targets.map((t) => num(t)).join(', ')}); ECDF and ERT by core hittingEcdf / expectedRunningTime.`,
    `- Temperatures: ${CLOCK_RULE}`,
    `- Statistics: ${PAIRED_RULE}`,
    '- Divergence: a run that leaves the box widened by 10 box widths, becomes non-finite, or would take a step |λg| > 1e4 is frozen and counted as a miss.',
    `- Seeds: ${SEED_RULE}. Every number in results.json sits next to its configuration.`,
    gradientRule(cells),
    '',
    table(
      ['optimizer', 'what it is'],
      names.map((n) => [n, ROSTER.get(n)?.description ?? n]),
    ),
    '',
  ].join('\n');
}

/** Write reports/<study>/ (atomically, file by file) and return the paths written. */
export async function writeStudyReport(
  study: Study,
  cells: readonly CellConfig[],
  results: readonly CellResult[],
  outDir: string,
  meta: ReportMeta,
  options: { figures?: boolean } = {},
): Promise<string[]> {
  const dir = join(outDir, study.name);
  const rendering = study.render(cells, results);
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileAtomic(path, data);
    written.push(path);
  };
  const figureLines: string[] = [];
  if (options.figures !== false) {
    for (const figure of rendering.figures) {
      const { svg, png } = await renderFigure(figure.spec);
      write(`${figure.name}.vl.json`, `${JSON.stringify(figure.spec, null, 1)}\n`);
      write(`${figure.name}.svg`, svg);
      write(`${figure.name}.png`, png);
      figureLines.push(
        `![${figure.caption}](${figure.name}.png)`,
        '',
        `*${figure.caption}* ([SVG](${figure.name}.svg), [Vega-Lite spec](${figure.name}.vl.json))`,
        '',
      );
    }
  }
  const scale = `${[...new Set(cells.map((c) => c.runs))].join('/')} runs × ${[...new Set(cells.map((c) => c.steps))].join('/')} evaluations`;
  const markdown = [
    `# ${study.title}`,
    '',
    '## Verdict',
    '',
    ...rendering.verdict.map((line) => `- ${line}`),
    '',
    `Data: [results.json](results.json) (every cell with its configuration and per-run indicators), [summary.csv](summary.csv) (one line per cell and horizon).`,
    '',
    '## Question',
    '',
    study.question,
    '',
    `Generated by \`${meta.command}\` (code version ${meta.codeVersion}; ${cells.length} cells, ${scale}). ` +
      'Every number and every sentence below is computed from results.json; regenerate rather than edit.',
    '',
    methodSection(cells),
    pluginSection(cells),
    rendering.markdown,
    ...(figureLines.length ? ['## Figures', '', ...figureLines] : []),
  ].join('\n');
  write('results.json', `${JSON.stringify(resultsDocument(study, cells, results, meta, rendering.verdict, rendering.families))}\n`);
  write('summary.csv', csv(rendering.summary ?? summaryOf(rows(cells, results))));
  write('report.md', markdown);
  if (options.figures !== false) removeStaleFigures(dir, written);
  return written;
}

/** Figures of an earlier version of the study that this rendering no longer draws (a renamed figure must not linger beside the report). */
function removeStaleFigures(dir: string, written: readonly string[]): void {
  if (!existsSync(dir)) return;
  const kept = new Set(written.map((path) => path.slice(dir.length + 1)));
  for (const name of readdirSync(dir)) {
    if (/\.(svg|png|vl\.json)$/.test(name) && !kept.has(name)) rmSync(join(dir, name));
  }
}
