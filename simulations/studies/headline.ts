/** Study 1: every optimizer on every benchmark problem, one gradient budget. */
import { annealingFloor, REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import type { CellConfig, CellResult } from '../cell.ts';
import { endTemperature as ruleEndTemperature, problemHyper, problemKey, type Problem } from '../hyper.ts';
import { num, rate, table } from '../../src/report/format.ts';
import { CONTROL, NOISY_QUANTIZED, OPTIMIZER_NAMES } from '../roster.ts';
import {
  compareFamily,
  detailTable,
  diagnosticsSentences,
  dotChart,
  endTemperature,
  exactLandingSentences,
  familyOf,
  familySentence,
  familyTally,
  lineChart,
  pairsOver,
  panelsOf,
  problemLabel,
  rateOf,
  renderInput,
  rowsOn,
  type Family,
  type Row,
} from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, STANDARD_SCALES, type Study, type StudyOptions } from './study.ts';

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

/** Pairs the interpretation compares (each a family over the problems): each proposed variant against its peers. */
export const HEADLINE_PAIRS: readonly [string, string][] = [
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
  // The paper's setting, quantized steps of a noisy gradient.
  ['qsgd-lgv-noise', 'sgd'],
  ['qsgd-ref-noise', 'sgd'],
  ['qsgd-p8-noise', 'sgd'],
  ['qsgd-lgv-noise', 'qsgd-lgv'],
  ['qsgd-lgv-noise', 'qsgd-p8-noise'],
  ['qsgd-lgv-noise', 'langevin'],
  ['sgd', 'gd'],
  [CONTROL, 'gd'],
];

/** The families the verdict names, in its order. */
const VERDICT_PAIRS: readonly [string, string][] = [
  ['qsgd-lgv', 'gd'],
  ['qtadam-lgv', 'adam'],
  ['qsgd-lgv-noise', 'sgd'],
  ['qsgd-ref-noise', 'sgd'],
  ['langevin', 'gd'],
  ['sa', 'gd'],
];

/** Cells: the exact-gradient roster, then the `-noise` variants, then the control. */
const BLOCKS: readonly (readonly string[])[] = [
  OPTIMIZER_NAMES.filter((name) => !NOISY_QUANTIZED.includes(name) && name !== CONTROL),
  NOISY_QUANTIZED,
  [CONTROL],
];

export const headline: Study = {
  name: 'headline',
  title: 'Headline: how often every optimizer ends in the global minimum\'s basin on the benchmark problems',
  question:
    'Does the proposed quantized learning (QSGD, QtADAM: monotone p, B.2a and B.2b) end in a global minimiser\'s basin more often than ' +
    'plain GD/SGD/ADAM, conventional fixed-p quantization, annealed Langevin dynamics and simulated annealing, with the same ' +
    'number of evaluations per run and the same start points? And in the paper\'s own setting, the quantized step of a noisy ' +
    '(SGD) gradient: does the proposed QSGD on SGD\'s noisy gradient beat SGD at the same noise?',
  scales: STANDARD_SCALES,
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
    const { all, problems, optimizers, steps } = renderInput(cells, results);
    const find = (problem: Problem, optimizer: string): Row | undefined =>
      rowsOn(all, problem).find((r) => r.cell.optimizer === optimizer);
    const header = ['optimizer', ...problems.map((p) => `${p.objective} d=${p.dims}`)];
    const grid = (pick: (row: Row) => string) =>
      table(
        header,
        optimizers.map((o) => [o, ...problems.map((p) => {
          const row = find(p, o);
          return row ? pick(row) : '—';
        })]),
      );

    const families = new Map<string, Family>();
    for (const [subject, other] of HEADLINE_PAIRS) {
      const pairs = pairsOver(problems, (p) => find(p, subject), (p) => find(p, other), (_, s) => problemLabel(s.cell));
      if (pairs.length) families.set(`${subject}|${other}`, compareFamily(`headline/${subject}-vs-${other}`, subject, other, 'basin', pairs));
    }

    const bestSentences: string[] = [];
    for (const problem of problems) {
      const ranked = rowsOn(all, problem).sort((a, b) => b.result.final.rateBasin.estimate - a.result.final.rateBasin.estimate);
      const best = ranked[0];
      if (best.result.final.hitsBasin === 0) {
        bestSentences.push(`On ${problemLabel(best.cell)} no run of any optimizer ended in the global basin.`);
        continue;
      }
      const top = ranked.filter((r) => r.result.final.rateBasin.estimate === best.result.final.rateBasin.estimate);
      bestSentences.push(
        `On ${problemLabel(best.cell)} the highest global-basin rate is ${rate(best.result.final.rateBasin)} (${top.map((r) => r.cell.optimizer).join(', ')}).`,
      );
    }

    const verdict: string[] = [];
    verdict.push(
      `Global-basin rate of the final iterate (${steps} evaluations, same starts for every optimizer), paired exact McNemar, Holm over the ${problems.length} problems; ` +
        `the annealed methods end at T_end/Δ = 1/ln(N + 2) = ${num(1 / Math.log(steps + 2))} on every problem (rule c = Δ, table below).`,
    );
    const tallies = VERDICT_PAIRS.map(([s, o]) => families.get(`${s}|${o}`)).filter((f): f is Family => f !== undefined);
    const proposedTallies = tallies.filter((f) => f.subject.startsWith('q'));
    if (proposedTallies.length) verdict.push(`${proposedTallies.map((f) => `${f.subject} vs ${f.other}: ${familyTally(f)}`).join('; ')}.`);
    const peerTallies = tallies.filter((f) => !f.subject.startsWith('q'));
    if (peerTallies.length) verdict.push(`Annealed peers: ${peerTallies.map((f) => `${f.subject} vs ${f.other}: ${familyTally(f)}`).join('; ')}.`);
    const control = families.get(`${CONTROL}|gd`);
    if (control) {
      const differing = control.entries.reduce((s, e) => s + e.onlySubject + e.onlyOther, 0);
      const runs = control.entries.reduce((s, e) => s + e.runs, 0);
      verdict.push(
        `Control: ${CONTROL} (noiseless, cells of 2^-30) differs from GD in ${differing} of ${runs} runs over ${control.entries.length} problems ` +
          `(${familyTally(control)}): ${differing === 0 ? 'identical starts, identical ends' : 'near-identical'}, so differences elsewhere are the methods', not the starts'.`,
      );
    }

    const hyperRows = problems.map((p) => {
      const h = problemHyper(p);
      const cell = rowsOn(all, p)[0]!.cell;
      const sgd = rowsOn(all, p).find((r) => r.cell.spec.kind === 'sgd');
      return [
        `${p.objective} d=${p.dims}`,
        num(h.curvature),
        `2^${Math.log2(h.lambda)}`,
        `${num(h.barrier)} (${h.barrierSource})`,
        num(h.c),
        num(ruleEndTemperature(h.c, cell.steps)),
        sgd && sgd.cell.spec.kind === 'sgd' ? num(sgd.cell.spec.noise) : '—',
        num(h.proposal),
        String(cell.runs),
        String(cell.steps),
      ];
    });

    const markdown = [
      '## Hyperparameters per problem (stated rules, simulations/hyper.ts)',
      '',
      'c = Δ (the analytic barrier where the objective states one, else the estimate Δ̂: the deepest non-global well met by rays from 64 quenched ' +
        'local minimisers); T_end = c/ln(N + 2) is where every annealed method ends; SGD runs at T_end throughout.',
      '',
      table(['problem', 'curvature L', 'λ', 'barrier Δ', 'c', 'T_end', 'SGD noise σ', 'SA proposal σ', 'runs', 'evaluations per run'], hyperRows),
      '',
      '## Global-basin rate: final iterate in the basin of a global minimiser (estimate [95% Wilson interval])',
      '',
      grid((r) => rate(r.result.final.rateBasin)),
      '',
      '## T_end per cell: the temperature each method ends at',
      '',
      grid((r) => num(endTemperature(r))),
      '',
      '## δ-hit rate: final iterate within δ of a global minimiser',
      '',
      grid((r) => rate(r.result.final.rateDelta)),
      '',
      '## What the numbers say (generated from the tables above)',
      '',
      ...bestSentences.map((s) => `- ${s}`),
      ...[...families.values()].map((f) => `- ${familySentence(f)}`),
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
        detailTable(rowsOn(all, p), (r) => r.cell.optimizer, 'optimizer'),
        '',
      ]),
    ].join('\n');

    const figures = [
      {
        name: 'basin-rates',
        caption: 'Global-basin rate of the final iterate with 95% Wilson intervals, per problem and optimizer (proposed methods: orange diamonds)',
        spec: dotChart({
          values: all.map((r) => {
            const interval = rateOf(r, 'basin');
            return { problem: problemLabel(r.cell), optimizer: r.cell.optimizer, family: familyOf(r.cell), rate: interval.estimate, lower: interval.lower, upper: interval.upper };
          }),
          category: 'optimizer',
          categoryOrder: optimizers,
          facet: 'problem',
          columns: 2,
          xTitle: 'global-basin rate',
          title: 'Share of runs ending in the global minimum\'s basin',
        }),
      },
      ...ecdfFigure(all, mostHit(all, problems)),
      ...traceFigure(all, problems[0]),
    ];
    return { verdict, markdown, figures, families: [...families.values()] };
  },
};

/** The problem whose runs reached the ECDF's target most often over all optimizers (the most telling ECDF). */
function mostHit(all: readonly Row[], problems: readonly Problem[]): Problem | undefined {
  const hitsOn = (p: Problem) =>
    rowsOn(all, p).reduce((s, r) => s + (r.result.targets[Math.max(0, r.result.targets.length - 2)]?.hits ?? 0), 0);
  return [...problems].sort((a, b) => hitsOn(b) - hitsOn(a))[0];
}

/** COCO-style ECDF of first-hitting times of the second-tightest target on one problem, at most eight methods per panel. */
function ecdfFigure(all: readonly Row[], problem: Problem | undefined) {
  if (!problem) return [];
  const subset = rowsOn(all, problem);
  const k = Math.max(0, subset[0].cell.targets.length - 2);
  const target = subset[0].cell.targets[k];
  const panels = panelsOf(subset.map((r) => ({ name: r.cell.optimizer, family: familyOf(r.cell) })));
  const values = subset.flatMap((r) =>
    r.result.checkpoints.map((t, i) => ({
      optimizer: r.cell.optimizer,
      panel: panels.get(r.cell.optimizer),
      proposed: familyOf(r.cell) === 'proposed',
      evaluations: t,
      rate: r.result.targets[k].ecdf[i],
    })),
  );
  return [
    {
      name: `ecdf-${problemKey(problem)}`,
      caption: `ECDF of first-hitting times of f − f* < ${num(target)} on ${problem.objective} d=${problem.dims} (proposed methods solid)`,
      spec: lineChart({
        values,
        x: 'evaluations',
        xTitle: 'evaluations per run',
        xScale: { type: 'log' },
        series: 'optimizer',
        seriesTitle: 'optimizer',
        facet: 'panel',
        columns: 2,
        independentColors: true,
        intervals: false,
        interpolate: 'step-after',
        y: { field: 'rate', title: 'fraction of runs', domain: [0, 1] },
        title: `Runs that reached f − f* < ${num(target)} (${problem.objective} d=${problem.dims})`,
      }),
    },
  ];
}

/** p(t) and the realised temperature T_q(t) against C/ln(t+2) for the proposed optimizers on one problem. */
function traceFigure(all: readonly Row[], problem: Problem | undefined) {
  if (!problem) return [];
  const subset = rowsOn(all, problem).filter((r) => r.cell.spec.kind === 'proposed' && r.result.quantization?.floor);
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
