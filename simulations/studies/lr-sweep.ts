/** Study 4: the learning-rate grid of the paper's Table 1, λ = 2^−2 … 2^−10, for every gradient method. */
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import { rate, table } from '../../src/report/format.ts';
import { detailTable, exactLandingSentences, problemLabel, rateChart, rows, type Row } from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, type Study, type StudyOptions } from './study.ts';

export const LOG2_LAMBDAS: readonly number[] = [-2, -3, -4, -5, -6, -7, -8, -9, -10];
const PROBLEMS: readonly Problem[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'double-well', dims: 1 },
];
const OPTIMIZERS = ['gd', 'sgd', 'adam', 'qsgd-ref', 'qsgd-lgv', 'qtadam-ref', 'qtadam-lgv', 'langevin'] as const;

export const lrSweep: Study = {
  name: 'lr-sweep',
  title: 'Learning-rate sweep λ = 2^−2 … 2^−10 (the grid of the paper\'s Table 1)',
  question:
    'How do the hit rates depend on the learning rate? The other hyperparameters follow the stated rules (c per problem; ' +
    'SGD noise σ re-derived for each λ so that its temperature stays the annealed peers\' final one).',
  scales: { default: { runs: 100, steps: 10_000 }, full: { runs: 1000, steps: 100_000 } },
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
    const all = rows(cells, results);
    const problems = [...new Map(all.map((r) => [problemKey(r.cell.problem), r.cell.problem])).values()];
    const optimizers = [...new Set(all.map((r) => r.cell.optimizer))];
    const sentences: string[] = [];
    const sections: string[] = [];
    for (const problem of problems) {
      const own = all.filter((r) => problemKey(r.cell.problem) === problemKey(problem));
      const cellOf = (o: string, log2: number): Row | undefined => own.find((r) => r.cell.optimizer === o && r.cell.labels.log2Lambda === log2);
      sections.push(
        `## ${problem.objective} d=${problem.dims}: δ-hit rate (estimate [95% Wilson interval]); rule's λ = 2^${Math.log2(problemHyper(problem).lambda)}`,
        '',
        table(
          ['optimizer', ...LOG2_LAMBDAS.map((k) => `λ = 2^${k}`)],
          optimizers.map((o) => [o, ...LOG2_LAMBDAS.map((k) => {
            const row = cellOf(o, k);
            if (!row) return '—';
            const divergedNote = row.result.diverged > 0 ? ` (${row.result.diverged} diverged)` : '';
            return `${rate(row.result.final.rateDelta)}${divergedNote}`;
          })]),
        ),
        '',
        '<details><summary>detail</summary>',
        '',
        detailTable(own, (r) => `${r.cell.optimizer} λ=2^${r.cell.labels.log2Lambda}`, 'optimizer, λ'),
        '',
        '</details>',
        '',
      );
      for (const o of optimizers) {
        const series = LOG2_LAMBDAS.map((k) => cellOf(o, k)).filter((r): r is Row => r !== undefined);
        if (series.length === 0) continue;
        const best = series.reduce((a, b) => (b.result.final.rateDelta.estimate > a.result.final.rateDelta.estimate ? b : a));
        const diverging = series.filter((r) => r.result.diverged > 0).map((r) => `2^${r.cell.labels.log2Lambda}`);
        const tied = series.filter((r) => r.result.final.rateDelta.upper >= best.result.final.rateDelta.lower).length;
        sentences.push(
          `${problemLabel(best.cell)}, ${o}: best δ-hit rate ${rate(best.result.final.rateDelta)} at λ = 2^${best.cell.labels.log2Lambda}; ` +
            `${tied} of ${series.length} learning rates have intervals reaching it` +
            `${diverging.length ? `; runs diverged at λ = ${diverging.join(', ')}` : '; no run diverged'}.`,
        );
      }
    }
    sentences.push(...exactLandingSentences(all, (r) => `${r.cell.optimizer} on ${problemLabel(r.cell)} at λ = 2^${r.cell.labels.log2Lambda}`));
    const markdown = [...sections, '## What the numbers say (generated from the tables above)', '', ...sentences.map((s) => `- ${s}`), ''].join('\n');
    return {
      markdown,
      figures: [
        {
          name: 'lr-sweep',
          caption: 'δ-hit rate against log2 λ per optimizer (95% Wilson intervals)',
          spec: rateChart({
            values: all.map((r) => ({
              problem: problemLabel(r.cell),
              optimizer: r.cell.optimizer,
              log2Lambda: Number(r.cell.labels.log2Lambda),
              rate: r.result.final.rateDelta.estimate,
              lower: r.result.final.rateDelta.lower,
              upper: r.result.final.rateDelta.upper,
            })),
            x: 'log2Lambda',
            xTitle: 'log2 λ',
            xType: 'quantitative',
            color: 'optimizer',
            facet: 'problem',
            columns: 2,
            title: 'Learning-rate sweep: δ-hit rate',
          }),
        },
      ],
    };
  },
};
