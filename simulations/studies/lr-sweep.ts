/** Study 4: the learning-rate grid of the paper's Table 1, λ = 2^−2 … 2^−10, for every gradient method. */
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import { num, rate, table } from '../../src/report/format.ts';
import {
  compareFamily,
  detailTable,
  endTemperature,
  exactLandingSentences,
  familyOf,
  familySentence,
  familyTally,
  lineChart,
  pairsOver,
  problemLabel,
  rateOf,
  renderInput,
  rowsOn,
  type Family,
  type Row,
} from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, STANDARD_SCALES, type Study, type StudyOptions } from './study.ts';

export const LOG2_LAMBDAS: readonly number[] = [-2, -3, -4, -5, -6, -7, -8, -9, -10];
const PROBLEMS: readonly Problem[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'double-well', dims: 1 },
];
const OPTIMIZERS = ['gd', 'sgd', 'adam', 'qsgd-ref', 'qsgd-lgv', 'qtadam-ref', 'qtadam-lgv', 'langevin'] as const;
/** Families over the nine learning rates (Holm over λ), per problem. */
const PAIRS: readonly [string, string][] = [
  ['qsgd-lgv', 'gd'],
  ['qtadam-lgv', 'adam'],
  ['langevin', 'gd'],
];

export const lrSweep: Study = {
  name: 'lr-sweep',
  title: 'Learning-rate sweep λ = 2^−2 … 2^−10 (the grid of the paper\'s Table 1)',
  question:
    'How do the global-basin rates depend on the learning rate? The other hyperparameters follow the stated rules (c = Δ per problem; ' +
    'SGD noise σ re-derived for each λ so that its temperature stays the annealed methods\' final one).',
  scales: STANDARD_SCALES,
  optimizers: [...OPTIMIZERS],
  cells(options: StudyOptions): CellConfig[] {
    const builder = new CellBuilder('lr-sweep', options, scaleOf(this, options));
    const problems = problemsOf(PROBLEMS, options);
    for (const problem of problems) {
      for (const optimizer of selected(OPTIMIZERS, options.optimizers)) {
        for (const log2 of LOG2_LAMBDAS) builder.addRoster(problem, optimizer, { log2Lambda: log2 }, 2 ** log2);
      }
    }
    return builder.cells;
  },
  render(cells: readonly CellConfig[], results: readonly CellResult[]) {
    const { all, problems, optimizers, steps } = renderInput(cells, results);
    const sentences: string[] = [];
    const sections: string[] = [];
    const families: Family[] = [];
    const verdict: string[] = [
      `Global-basin rate after ${steps} evaluations per λ, same starts for every optimizer and λ; paired exact McNemar, Holm over the ${LOG2_LAMBDAS.length} learning rates.`,
    ];
    for (const problem of problems) {
      const own = rowsOn(all, problem);
      const cellOf = (o: string, log2: number): Row | undefined => own.find((r) => r.cell.optimizer === o && r.cell.labels.log2Lambda === log2);
      const grid = (pick: (row: Row) => string) =>
        table(
          ['optimizer', ...LOG2_LAMBDAS.map((k) => `λ = 2^${k}`)],
          optimizers.map((o) => [o, ...LOG2_LAMBDAS.map((k) => {
            const row = cellOf(o, k);
            return row ? pick(row) : '—';
          })]),
        );
      sections.push(
        `## ${problem.objective} d=${problem.dims}: global-basin rate (estimate [95% Wilson interval]); rule's λ = 2^${Math.log2(problemHyper(problem).lambda)}`,
        '',
        grid((row) => `${rate(row.result.final.rateBasin)}${row.result.diverged > 0 ? ` (${row.result.diverged} diverged)` : ''}`),
        '',
        `### T_end per cell, ${problem.objective} d=${problem.dims}`,
        '',
        grid((row) => num(endTemperature(row))),
        '',
        '<details><summary>detail</summary>',
        '',
        detailTable(own, (r) => `${r.cell.optimizer} λ=2^${r.cell.labels.log2Lambda}`, 'optimizer, λ'),
        '',
        '</details>',
        '',
      );
      const problemFamilies: Family[] = [];
      for (const [subject, other] of PAIRS) {
        const pairs = pairsOver(LOG2_LAMBDAS, (k) => cellOf(subject, k), (k) => cellOf(other, k), (k) => `λ = 2^${k}`);
        if (pairs.length === 0) continue;
        const f = compareFamily(`lr-sweep/${problemKey(problem)}/${subject}-vs-${other}`, subject, other, 'basin', pairs);
        families.push(f);
        problemFamilies.push(f);
        sentences.push(`${problem.objective} d=${problem.dims}: ${familySentence(f)}`);
      }
      if (problemFamilies.length) verdict.push(`${problem.objective} d=${problem.dims}: ${problemFamilies.map((f) => `${f.subject} vs ${f.other} ${familyTally(f)}`).join('; ')}.`);
      for (const o of optimizers) {
        const series = LOG2_LAMBDAS.map((k) => cellOf(o, k)).filter((r): r is Row => r !== undefined);
        if (series.length === 0) continue;
        const best = series.reduce((a, b) => (b.result.final.rateBasin.estimate > a.result.final.rateBasin.estimate ? b : a));
        const diverging = series.filter((r) => r.result.diverged > 0).map((r) => `2^${r.cell.labels.log2Lambda}`);
        sentences.push(
          `${problemLabel(best.cell)}, ${o}: best global-basin rate ${rate(best.result.final.rateBasin)} at λ = 2^${best.cell.labels.log2Lambda}` +
            `${diverging.length ? `; runs diverged at λ = ${diverging.join(', ')}` : '; no run diverged'}.`,
        );
      }
    }
    sentences.push(...exactLandingSentences(all, (r) => `${r.cell.optimizer} on ${problemLabel(r.cell)} at λ = 2^${r.cell.labels.log2Lambda}`));
    const markdown = [...sections, '## What the numbers say (generated from the tables above)', '', ...sentences.map((s) => `- ${s}`), ''].join('\n');
    return {
      verdict,
      markdown,
      families,
      figures: [
        {
          name: 'lr-sweep',
          caption: 'Global-basin rate against log2 λ per optimizer (95% Wilson intervals; proposed methods solid and thick)',
          spec: lineChart({
            values: all.map((r) => {
              const interval = rateOf(r, 'basin');
              return {
                problem: problemLabel(r.cell),
                optimizer: r.cell.optimizer,
                proposed: familyOf(r.cell) === 'proposed',
                log2Lambda: Number(r.cell.labels.log2Lambda),
                rate: interval.estimate,
                lower: interval.lower,
                upper: interval.upper,
              };
            }),
            x: 'log2Lambda',
            xTitle: 'log2 λ',
            series: 'optimizer',
            seriesTitle: 'optimizer',
            facet: 'problem',
            columns: 2,
            y: { field: 'rate', title: 'global-basin rate (95% Wilson interval)', domain: [0, 1] },
            title: 'Learning-rate sweep: share of runs ending in the global basin',
          }),
        },
      ],
    };
  },
};
