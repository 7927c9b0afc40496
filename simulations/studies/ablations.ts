/**
 * Study 3: ablations of the proposed optimizers (Langevin κ, C = c): B.2a off, B.2b off,
 * reference κ instead of Langevin κ (same C), floor instead of round. Each variant differs from
 * its base in exactly one switch.
 */
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import type { OptimizerSpec } from '../optimizers/optimizer.ts';
import { percent, rate, table } from '../../src/report/format.ts';
import { specFor } from '../roster.ts';
import { detailTable, exactLandingSentences, problemLabel, rateChart, rows, tally, tallySentence, type Row } from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, type Study, type StudyOptions } from './study.ts';

const PROBLEMS: readonly Problem[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'ackley', dims: 2 },
  { objective: 'six-hump-camel', dims: 2 },
  { objective: 'double-well', dims: 1 },
];
const BASES = ['qsgd-lgv', 'qtadam-lgv'] as const;

type ProposedSpec = Extract<OptimizerSpec, { kind: 'proposed' }>;

export const VARIANTS: readonly { name: string; description: string; apply: (s: ProposedSpec) => ProposedSpec }[] = [
  { name: 'base', description: 'B.2a on, B.2b on, Langevin κ, round', apply: (s) => s },
  { name: 'no-B.2a', description: 'B.2a (avoid vanishing) off', apply: (s) => ({ ...s, avoidVanishing: false }) },
  { name: 'no-B.2b', description: 'B.2b (keep p within the bound) off', apply: (s) => ({ ...s, bound: false }) },
  { name: 'kappa-reference', description: 'κ = 64/24 (reference) instead of 1/(24λ), same C', apply: (s) => ({ ...s, kappa: 'reference' }) },
  { name: 'floor', description: 'floor quantizer instead of round', apply: (s) => ({ ...s, mode: 'floor' }) },
];

export const ablations: Study = {
  name: 'ablations',
  title: 'Ablations of the proposed optimizers: B.2a, B.2b, κ, floor against round',
  question: 'Which parts of Algorithm 1 carry the result? Each variant switches one thing off or swaps it, on the same starts.',
  scales: { default: { runs: 100, steps: 10_000 }, full: { runs: 1000, steps: 100_000 } },
  optimizers: [...BASES],
  cells(options: StudyOptions): CellConfig[] {
    const scale = scaleOf(this, options);
    const builder = new CellBuilder('ablations', options, scale);
    const problems = problemsOf(PROBLEMS, options);
    for (const problem of problems) {
      const hyper = problemHyper(problem);
      for (const base of selected(BASES, options.optimizers)) {
        const spec = specFor(base, { ...hyper, steps: scale.steps }) as ProposedSpec;
        for (const variant of VARIANTS) {
          builder.add(problem, `${base}/${variant.name}`, variant.apply(spec), { base, variant: variant.name });
        }
      }
    }
    return builder.cells;
  },
  render(cells: readonly CellConfig[], results: readonly CellResult[]) {
    const all = rows(cells, results);
    const problems = [...new Map(all.map((r) => [problemKey(r.cell.problem), r.cell.problem])).values()];
    const find = (problem: Problem, base: string, variant: string): Row | undefined =>
      all.find(
        (r) => problemKey(r.cell.problem) === problemKey(problem) && r.cell.labels.base === base && r.cell.labels.variant === variant,
      );
    const sentences: string[] = [];
    for (const base of BASES) {
      for (const variant of VARIANTS.slice(1)) {
        const pairs = problems.flatMap((problem) => {
          const s = find(problem, base, variant.name);
          const o = find(problem, base, 'base');
          return s && o ? [{ group: `${problem.objective} d=${problem.dims}`, subject: s, other: o }] : [];
        });
        if (pairs.length === 0) continue;
        const vanishing = pairs.map(
          (p) =>
            `${p.group} ${percent(p.other.result.quantization!.vanishedFraction)} → ${percent(p.subject.result.quantization!.vanishedFraction)}`,
        );
        sentences.push(
          `${tallySentence(`${base} with ${variant.name}`, `${base} (base)`, tally(pairs))} Vanishing steps, base → variant: ${vanishing.join('; ')}.`,
        );
      }
    }
    const markdown = [
      table(['variant', 'what changes'], VARIANTS.map((v) => [v.name, v.description])),
      '',
      '## δ-hit rate (estimate [95% Wilson interval])',
      '',
      table(
        ['problem', ...BASES.flatMap((b) => VARIANTS.map((v) => `${b}/${v.name}`)).filter((name) => all.some((r) => r.cell.optimizer === name))],
        problems.map((p) => [
          `${p.objective} d=${p.dims}`,
          ...BASES.flatMap((b) => VARIANTS.map((v) => find(p, b, v.name)))
            .filter((r): r is Row => r !== undefined)
            .map((r) => rate(r.result.final.rateDelta)),
        ]),
      ),
      '',
      '## What the numbers say (generated from the table above)',
      '',
      ...sentences.map((s) => `- ${s}`),
      ...exactLandingSentences(all, (r) => `${r.cell.optimizer} on ${problemLabel(r.cell)}`).map((s) => `- ${s}`),
      '',
      '## Per-problem detail',
      '',
      ...problems.flatMap((p) => [
        `### ${p.objective} d=${p.dims}`,
        '',
        detailTable(all.filter((r) => problemKey(r.cell.problem) === problemKey(p)), (r) => r.cell.optimizer, 'variant'),
        '',
      ]),
    ].join('\n');
    return {
      markdown,
      figures: [
        {
          name: 'ablations',
          caption: 'δ-hit rate per ablation variant and problem (95% Wilson intervals)',
          spec: rateChart({
            values: all.map((r) => ({
              problem: problemLabel(r.cell),
              variant: r.cell.optimizer,
              rate: r.result.final.rateDelta.estimate,
              lower: r.result.final.rateDelta.lower,
              upper: r.result.final.rateDelta.upper,
            })),
            x: 'variant',
            xTitle: null as unknown as string,
            facet: 'problem',
            columns: 2,
            title: 'Ablations: δ-hit rate',
          }),
        },
      ],
    };
  },
};
