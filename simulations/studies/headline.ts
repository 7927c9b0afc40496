/** Study 1: every optimizer on every benchmark problem, one gradient budget. */
import { annealingFloor, REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import { num, rate, table } from '../../src/report/format.ts';
import { NOISY_QUANTIZED, OPTIMIZER_NAMES } from '../roster.ts';
import {
  detailTable,
  diagnosticsSentences,
  exactLandingSentences,
  problemLabel,
  rateChart,
  rows,
  sameNoiseSentence,
  tally,
  tallySentence,
  type Row,
} from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, type Study, type StudyOptions } from './study.ts';

export const HEADLINE_PROBLEMS: readonly Problem[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'rastrigin', dims: 5 },
  { objective: 'rastrigin', dims: 10 },
  { objective: 'ackley', dims: 2 },
  { objective: 'ackley', dims: 10 },
  { objective: 'styblinski-tang', dims: 2 },
  { objective: 'styblinski-tang', dims: 5 },
  { objective: 'griewank', dims: 5 },
  { objective: 'six-hump-camel', dims: 2 },
  { objective: 'double-well', dims: 1 },
];

/** Pairs the interpretation compares: each proposed variant against its peers. */
const PAIRS: readonly [string, string][] = [
  ['qsgd-lgv', 'gd'],
  ['qsgd-ref', 'gd'],
  ['qtadam-lgv', 'adam'],
  ['qtadam-ref', 'adam'],
  ['qsgd-lgv', 'qsgd-p8'],
  ['qtadam-lgv', 'qadam-p8'],
  ['qsgd-lgv', 'langevin'],
  ['qsgd-lgv', 'sa'],
  ['langevin', 'gd'],
  ['sa', 'gd'],
  // The paper's setting, quantized steps of a noisy gradient: does the noise carry the proposed
  // QSGD over barriers its deterministic map cannot cross, and how does it fare against its peers?
  ['qsgd-lgv-noise', 'qsgd-lgv'],
  ['qsgd-ref-noise', 'qsgd-ref'],
  ['qsgd-lgv-noise', 'qsgd-p8-noise'],
  ['qsgd-lgv-noise', 'langevin'],
];

/**
 * Cells in two blocks, the exact-gradient roster first and the `-noise` variants after it, so that
 * adding the noisy variants left the cell indices (hence the noise seeds) of the others unchanged.
 */
const BLOCKS: readonly (readonly string[])[] = [
  OPTIMIZER_NAMES.filter((name) => !NOISY_QUANTIZED.includes(name)),
  NOISY_QUANTIZED,
];

export const headline: Study = {
  name: 'headline',
  title: 'Headline: global-minimum hit rates of every optimizer on the benchmark problems',
  question:
    'Does the proposed quantized learning (QSGD, QtADAM: monotone p, B.2a and B.2b) reach a global minimiser more often than ' +
    'plain GD/SGD/ADAM, conventional fixed-p quantization, annealed Langevin dynamics and simulated annealing, with the same ' +
    'number of evaluations per run and the same start points? And in the paper\'s own setting, the quantized step of a noisy ' +
    '(SGD) gradient: does the proposed QSGD on SGD\'s noisy gradient beat SGD at the same noise?',
  scales: { default: { runs: 100, steps: 10_000 }, full: { runs: 1000, steps: 100_000 } },
  optimizers: OPTIMIZER_NAMES,
  cells(options: StudyOptions): CellConfig[] {
    const builder = new CellBuilder('headline', options, scaleOf(this, options));
    const problems = HEADLINE_PROBLEMS.filter((p) => !options.objectives || options.objectives.includes(p.objective));
    for (const block of BLOCKS) {
      for (const problem of problems) {
        for (const optimizer of selected(block, options.optimizers)) builder.addRoster(problem, optimizer);
      }
    }
    // Plug-ins last, so every built-in cell keeps its index (hence its noise seeds): plug-in
    // optimizers on the built-in problems, then every optimizer on the plug-in problems.
    const pluginOptimizers = selected(options.plugins?.optimizers ?? [], options.optimizers);
    for (const problem of problems) for (const optimizer of pluginOptimizers) builder.addRoster(problem, optimizer);
    for (const problem of problemsOf([], options)) {
      for (const optimizer of [...BLOCKS.flatMap((block) => selected(block, options.optimizers)), ...pluginOptimizers]) builder.addRoster(problem, optimizer);
    }
    return builder.cells;
  },
  render(cells: readonly CellConfig[], results: readonly CellResult[]) {
    const all = rows(cells, results);
    const problems = [...new Map(all.map((r) => [problemKey(r.cell.problem), r.cell.problem])).values()];
    const optimizers = [...new Set(all.map((r) => r.cell.optimizer))];
    const find = (problem: Problem, optimizer: string): Row | undefined =>
      all.find((r) => problemKey(r.cell.problem) === problemKey(problem) && r.cell.optimizer === optimizer);
    const header = ['optimizer', ...problems.map((p) => `${p.objective} d=${p.dims}`)];
    const grid = (pick: (row: Row) => string) =>
      table(
        header,
        optimizers.map((o) => [o, ...problems.map((p) => {
          const row = find(p, o);
          return row ? pick(row) : '—';
        })]),
      );

    const sentences: string[] = [];
    for (const problem of problems) {
      const ranked = all
        .filter((r) => problemKey(r.cell.problem) === problemKey(problem))
        .sort((a, b) => b.result.final.rateDelta.estimate - a.result.final.rateDelta.estimate);
      const best = ranked[0];
      if (best.result.final.hitsDelta === 0) {
        sentences.push(`On ${problemLabel(best.cell)} no run of any optimizer ended within δ of a global minimiser.`);
        continue;
      }
      const tied = ranked.filter((r) => r.result.final.rateDelta.upper >= best.result.final.rateDelta.lower);
      sentences.push(
        `On ${problemLabel(best.cell)} the highest δ-hit rate is ${rate(best.result.final.rateDelta)} (${best.cell.optimizer}); ` +
          `${tied.length - 1} other optimizer(s) have intervals reaching it${tied.length > 1 ? ` (${tied.slice(1).map((r) => r.cell.optimizer).join(', ')})` : ''}.`,
      );
    }
    const pairsOf = (subject: string, other: string) =>
      problems.flatMap((problem) => {
        const s = find(problem, subject);
        const o = find(problem, other);
        return s && o ? [{ group: `${problem.objective} d=${problem.dims}`, subject: s, other: o }] : [];
      });
    const pairSentences: string[] = [];
    for (const [subject, other] of PAIRS) {
      const pairs = pairsOf(subject, other);
      if (pairs.length) pairSentences.push(tallySentence(subject, other, tally(pairs)));
    }
    for (const subject of NOISY_QUANTIZED) {
      const pairs = pairsOf(subject, 'sgd');
      if (pairs.length) pairSentences.push(sameNoiseSentence(subject, tally(pairs)));
    }

    const hyperRows = problems.map((p) => {
      const h = problemHyper(p);
      const cell = all.find((r) => problemKey(r.cell.problem) === problemKey(p))!.cell;
      const sgd = all.find((r) => problemKey(r.cell.problem) === problemKey(p) && r.cell.spec.kind === 'sgd');
      return [
        `${p.objective} d=${p.dims}`,
        num(h.curvature),
        `2^${Math.log2(h.lambda)}`,
        num(h.c),
        sgd && sgd.cell.spec.kind === 'sgd' ? num(sgd.cell.spec.noise) : '—',
        num(h.proposal),
        String(cell.runs),
        String(cell.steps),
      ];
    });

    const markdown = [
      '## Hyperparameters per problem (stated rules, simulations/hyper.ts)',
      '',
      table(['problem', 'curvature L', 'λ', 'c', 'SGD noise σ', 'SA proposal σ', 'runs', 'evaluations per run'], hyperRows),
      '',
      '## δ-hit rate: final iterate within δ of a global minimiser (estimate [95% Wilson interval])',
      '',
      grid((r) => rate(r.result.final.rateDelta)),
      '',
      '## ε-hit rate: final f − f* < ε',
      '',
      grid((r) => rate(r.result.final.rateEpsilon)),
      '',
      '## What the numbers say (generated from the table above)',
      '',
      ...sentences.map((s) => `- ${s}`),
      ...pairSentences.map((s) => `- ${s}`),
      ...diagnosticsSentences(all).map((s) => `- ${s}`),
      ...exactLandingSentences(all, (r) => `${r.cell.optimizer} on ${problemLabel(r.cell)}`).map((s) => `- ${s}`),
      '',
      '## Per-problem detail',
      '',
      'ERT: COCO expected running time in evaluations to reach f − f* below the target (observed at checkpoints, ~10 per decade), ∞ if no run did. ' +
        'Vanishing steps: share of run-steps whose quantized update was all zero at its starting index. Bound broken: share of run-steps with ' +
        'T_q(t)·ln(t+2) < C/b² (proposed optimizers only).',
      '',
      ...problems.flatMap((p) => [
        `### ${p.objective} d=${p.dims}`,
        '',
        detailTable(all.filter((r) => problemKey(r.cell.problem) === problemKey(p)), (r) => r.cell.optimizer, 'optimizer'),
        '',
      ]),
    ].join('\n');

    const figures = [
      {
        name: 'hit-rates',
        caption: 'δ-hit rate with 95% Wilson intervals, per problem and optimizer',
        spec: rateChart({
          values: all.map((r) => ({
            problem: problemLabel(r.cell),
            optimizer: r.cell.optimizer,
            rate: r.result.final.rateDelta.estimate,
            lower: r.result.final.rateDelta.lower,
            upper: r.result.final.rateDelta.upper,
          })),
          x: 'optimizer',
          xTitle: null as unknown as string,
          facet: 'problem',
          columns: 2,
          title: 'δ-hit rate of the final iterate',
        }),
      },
      ...ecdfFigure(all, problems[0]),
      ...traceFigure(all, problems[0]),
    ];
    return { markdown, figures };
  },
};

/** COCO-style ECDF of first-hitting times of the second-tightest target on one problem. */
function ecdfFigure(all: readonly Row[], problem: Problem | undefined) {
  if (!problem) return [];
  const subset = all.filter((r) => problemKey(r.cell.problem) === problemKey(problem));
  const k = Math.max(0, subset[0].cell.targets.length - 2);
  const target = subset[0].cell.targets[k];
  const values = subset.flatMap((r) =>
    r.result.checkpoints.map((t, i) => ({ optimizer: r.cell.optimizer, evaluations: t, fraction: r.result.targets[k].ecdf[i] })),
  );
  return [
    {
      name: `ecdf-${problemKey(problem)}`,
      caption: `ECDF of first-hitting times of f − f* < ${num(target)} on ${problem.objective} d=${problem.dims}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: `Runs that reached f − f* < ${num(target)} (${problem.objective} d=${problem.dims})`,
        data: { values },
        width: 520,
        height: 300,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'evaluations', type: 'quantitative', scale: { type: 'log' }, title: 'evaluations per run' },
          y: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1] }, title: 'fraction of runs' },
          color: { field: 'optimizer', type: 'nominal' },
        },
      },
    },
  ];
}

/** p(t) and the realised temperature T_q(t) against C/ln(t+2) for the proposed optimizers on one problem. */
function traceFigure(all: readonly Row[], problem: Problem | undefined) {
  if (!problem) return [];
  const subset = all.filter(
    (r) => problemKey(r.cell.problem) === problemKey(problem) && r.cell.spec.kind === 'proposed' && r.result.quantization?.floor,
  );
  if (subset.length === 0) return [];
  const values = subset.flatMap((r) => {
    const q = r.result.quantization!;
    return r.result.checkpoints.flatMap((t, i) => [
      { optimizer: r.cell.optimizer, t, series: 'T_q (median run)', value: q.Tq[i] },
      { optimizer: r.cell.optimizer, t, series: 'C/ln(t+2)', value: q.floor![i] },
      { optimizer: r.cell.optimizer, t, series: 'C/(b²·ln(t+2))', value: annealingFloor({ C: q.floor![i], base: REFERENCE_SCHEDULE.base }) },
    ]);
  });
  const pValues = subset.flatMap((r) =>
    r.result.checkpoints.map((t, i) => ({ optimizer: r.cell.optimizer, t, p: r.result.quantization!.p[i].median })),
  );
  return [
    {
      name: `temperature-${problemKey(problem)}`,
      caption: `Realised temperature T_q(t) = κ/Q_p² of the median run against the schedule floor, ${problem.objective} d=${problem.dims}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: `T_q(t) against C/ln(t+2) (${problem.objective} d=${problem.dims})`,
        data: { values },
        facet: { field: 'optimizer', type: 'nominal', title: null },
        columns: 2,
        spec: {
          width: 260,
          height: 180,
          mark: { type: 'line' },
          encoding: {
            x: { field: 't', type: 'quantitative', scale: { type: 'log' }, title: 'step t' },
            y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'temperature' },
            color: { field: 'series', type: 'nominal' },
          },
        },
      },
    },
    {
      name: `index-${problemKey(problem)}`,
      caption: `Quantization index p(t) (median over runs), ${problem.objective} d=${problem.dims}`,
      spec: {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: `p(t), median run (${problem.objective} d=${problem.dims})`,
        data: { values: pValues },
        width: 520,
        height: 240,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', type: 'quantitative', scale: { type: 'log' }, title: 'step t' },
          y: { field: 'p', type: 'quantitative', title: 'p' },
          color: { field: 'optimizer', type: 'nominal' },
        },
      },
    },
  ];
}
