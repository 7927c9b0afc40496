/**
 * Study 3: ablations of the proposed optimizers (Langevin κ, C = c): B.2a off, B.2b off,
 * reference κ instead of Langevin κ (same C), floor instead of round. Each variant differs from
 * its base in exactly one switch. Bases: QSGD and QtADAM on the exact gradient, and QSGD on SGD's
 * noisy gradient (the paper's setting). The floor quantizer's residue biases every step towards
 * −w; the mirror image of the tilted double well, f(−w), puts the global minimum on the other side,
 * so floor against round is read on both.
 */
import type { CellConfig, CellResult } from '../cell.ts';
import { endTemperature as ruleEndTemperature, problemHyper, type Problem } from '../hyper.ts';
import type { OptimizerSpec } from '../optimizers/optimizer.ts';
import { num, percent, rate, table } from '../../src/report/format.ts';
import { specFor } from '../roster.ts';
import {
  compareFamily,
  countDecisions,
  detailTable,
  dotChart,
  endTemperature,
  entryWords,
  exactLandingSentences,
  familySentence,
  pairsOver,
  problemLabel,
  rateOf,
  renderInput,
  rowsOn,
  type Family,
  type Row,
} from './common.ts';
import { CellBuilder, problemsOf, scaleOf, selected, STANDARD_SCALES, type Study, type StudyOptions } from './study.ts';

const PROBLEMS: readonly Problem[] = [
  { objective: 'rastrigin', dims: 2 },
  { objective: 'ackley', dims: 2 },
  { objective: 'six-hump-camel', dims: 2 },
  { objective: 'double-well', dims: 1 },
  { objective: 'double-well', dims: 1, mirrored: true },
];
const BASES = ['qsgd-lgv', 'qtadam-lgv', 'qsgd-lgv-noise'] as const;

type ProposedSpec = Extract<OptimizerSpec, { kind: 'proposed' }>;

export const VARIANTS: readonly { name: string; description: string; apply: (s: ProposedSpec) => ProposedSpec }[] = [
  { name: 'base', description: 'B.2a on, B.2b on, Langevin κ, round', apply: (s) => s },
  { name: 'no-B.2a', description: 'B.2a (avoid vanishing) off', apply: (s) => ({ ...s, avoidVanishing: false }) },
  { name: 'no-B.2b', description: 'B.2b (keep p within the bound) off', apply: (s) => ({ ...s, bound: false }) },
  { name: 'kappa-reference', description: 'κ = 64/24 (reference) instead of 1/(24λ), same C', apply: (s) => ({ ...s, kappa: 'reference' }) },
  { name: 'floor', description: 'floor quantizer instead of round (its residue pulls every step towards −w)', apply: (s) => ({ ...s, mode: 'floor' }) },
];

export const ablations: Study = {
  name: 'ablations',
  title: 'Ablations of the proposed optimizers: B.2a, B.2b, κ, floor against round (with the mirrored double well as control)',
  question:
    'Which parts of Algorithm 1 carry the result? Each variant switches one thing off or swaps it, on the same starts; floor against round is ' +
    'also run on the mirror image f(−w) of the tilted double well, where the floor quantizer\'s pull towards −w points away from the global minimum.',
  scales: STANDARD_SCALES,
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
    const { all, problems, steps } = renderInput(cells, results);
    const bases = BASES.filter((b) => all.some((r) => r.cell.labels.base === b));
    const find = (problem: Problem, base: string, variant: string): Row | undefined =>
      rowsOn(all, problem).find((r) => r.cell.labels.base === base && r.cell.labels.variant === variant);
    const families: Family[] = [];
    const sentences: string[] = [];
    const byVariant = new Map<string, Family[]>();
    for (const base of bases) {
      for (const variant of VARIANTS.slice(1)) {
        const pairs = pairsOver(problems, (p) => find(p, base, variant.name), (p) => find(p, base, 'base'), (_, s) => problemLabel(s.cell));
        if (pairs.length === 0) continue;
        const family = compareFamily(`ablations/${base}/${variant.name}`, `${base}/${variant.name}`, `${base}/base`, 'basin', pairs);
        families.push(family);
        byVariant.set(variant.name, [...(byVariant.get(variant.name) ?? []), family]);
        const vanishing = pairs.map(
          (p) => `${p.group} ${percent(p.other.row.result.quantization!.vanishedFraction)} → ${percent(p.subject.row.result.quantization!.vanishedFraction)}`,
        );
        sentences.push(`${familySentence(family)} Vanishing steps, base → variant: ${vanishing.join('; ')}.`);
      }
    }

    // Floor against round on the double well and on its mirror image.
    const well = problems.find((p) => p.objective === 'double-well' && !p.mirrored);
    const mirror = problems.find((p) => p.objective === 'double-well' && p.mirrored);
    const floorLines: string[] = [];
    const floorShort: string[] = [];
    if (well && mirror) {
      for (const base of bases) {
        const pairs = pairsOver([well, mirror], (p) => find(p, base, 'floor'), (p) => find(p, base, 'base'), (_, s) => problemLabel(s.cell));
        if (pairs.length < 2) continue;
        const f = compareFamily(`ablations/${base}/floor-mirror`, `${base}/floor`, `${base}/base`, 'basin', pairs);
        families.push(f);
        const [onWell, onMirror] = f.entries;
        const flips = onWell.decision !== 'indistinguishable' && onMirror.decision !== onWell.decision;
        floorShort.push(`${base} ${onWell.decision} (${onWell.subjectRate.toFixed(2)} vs ${onWell.otherRate.toFixed(2)}) → ${onMirror.decision} (${onMirror.subjectRate.toFixed(2)} vs ${onMirror.otherRate.toFixed(2)})`);
        floorLines.push(
          `${base}: floor against round on the double well ${onWell.decision} (${entryWords(onWell)}), on its mirror image ${onMirror.decision} (${entryWords(onMirror)})` +
            (flips ? ': the difference does not survive the mirror — it is the floor residue\'s pull towards −w, not a better optimizer.' : onWell.decision === 'indistinguishable' && onMirror.decision === 'indistinguishable' ? ': no difference on either side.' : '.'),
        );
      }
    }

    const verdict: string[] = [];
    verdict.push(
      `Global-basin rate after ${steps} evaluations, each variant against its base on the same starts; paired exact McNemar, Holm over the ${problems.length} problems ` +
        `(double well and its mirror image included); T_end/Δ of the base methods' target = ${num(1 / Math.log(steps + 2))}.`,
    );
    const variantLine = VARIANTS.slice(1)
      .filter((v) => byVariant.has(v.name))
      .map((v) => {
        const fs = byVariant.get(v.name)!;
        const d = fs.map(countDecisions);
        const n = fs.reduce((s, f) => s + f.entries.length, 0);
        const higher = d.reduce((s, x) => s + x.higher.length, 0);
        const lower = d.reduce((s, x) => s + x.lower.length, 0);
        const where = fs
          .map((f, i) => ({ base: String(f.subject).split('/')[0], higher: d[i].higher.length, lower: d[i].lower.length, of: f.entries.length }))
          .filter((x) => x.higher + x.lower > 0)
          .map((x) => `${x.base} ${x.higher}↑ ${x.lower}↓ of ${x.of}`);
        return `${v.name}: higher on ${higher}, lower on ${lower} of ${n} (base × problem${where.length ? `: ${where.join(', ')}` : ''})`;
      });
    if (variantLine.length) verdict.push(`${variantLine.join('; ')}.`);
    if (floorShort.length) {
      verdict.push(
        `Floor against round, double well → its mirror image f(−w): ${floorShort.join('; ')}. A difference that changes with the mirror is the floor residue's pull towards −w, not the method.`,
      );
    }

    const variantNames = bases.flatMap((b) => VARIANTS.map((v) => `${b}/${v.name}`)).filter((name) => all.some((r) => r.cell.optimizer === name));
    const hyperRows = problems.map((p) => {
      const h = problemHyper(p);
      return [problemLabel(rowsOn(all, p)[0]!.cell), `2^${Math.log2(h.lambda)}`, `${num(h.barrier)} (${h.barrierSource})`, num(h.c), num(ruleEndTemperature(h.c, steps))];
    });
    const markdown = [
      table(['variant', 'what changes'], VARIANTS.map((v) => [v.name, v.description])),
      '',
      table(['problem', 'λ', 'barrier Δ', 'c = C', 'T(N) = c/ln(N + 2)'], hyperRows),
      '',
      '## Global-basin rate (estimate [95% Wilson interval])',
      '',
      table(
        ['variant', ...problems.map((p) => `${p.objective}${p.mirrored ? ' mirrored' : ''} d=${p.dims}`)],
        variantNames.map((name) => [name, ...problems.map((p) => {
          const row = rowsOn(all, p).find((r) => r.cell.optimizer === name);
          return row ? rate(row.result.final.rateBasin) : '—';
        })]),
      ),
      '',
      '## T_end per cell (the median run\'s T_q = 1/(24λQ_p²), plus λσ²/2 for the noisy base)',
      '',
      table(
        ['variant', ...problems.map((p) => `${p.objective}${p.mirrored ? ' mirrored' : ''} d=${p.dims}`)],
        variantNames.map((name) => [name, ...problems.map((p) => {
          const row = rowsOn(all, p).find((r) => r.cell.optimizer === name);
          return row ? num(endTemperature(row)) : '—';
        })]),
      ),
      '',
      '## What the numbers say (generated from the tables above)',
      '',
      ...floorLines.map((s) => `- ${s}`),
      ...sentences.map((s) => `- ${s}`),
      ...exactLandingSentences(all, (r) => `${r.cell.optimizer} on ${problemLabel(r.cell)}`).map((s) => `- ${s}`),
      '',
      '## Per-problem detail',
      '',
      ...problems.flatMap((p) => [
        `### ${p.objective}${p.mirrored ? ' mirrored' : ''} d=${p.dims}`,
        '',
        detailTable(rowsOn(all, p), (r) => r.cell.optimizer, 'variant'),
        '',
      ]),
    ].join('\n');
    return {
      verdict,
      markdown,
      families,
      figures: [
        {
          name: 'ablations',
          caption: 'Global-basin rate per ablation variant and problem (95% Wilson intervals), colour by base method',
          spec: dotChart({
            values: all.map((r) => {
              const interval = rateOf(r, 'basin');
              return { problem: problemLabel(r.cell), variant: String(r.cell.labels.variant), base: String(r.cell.labels.base), rate: interval.estimate, lower: interval.lower, upper: interval.upper };
            }),
            category: 'variant',
            categoryOrder: VARIANTS.map((v) => v.name),
            facet: 'problem',
            columns: 2,
            colorBy: { field: 'base', title: 'base', domain: bases },
            xTitle: 'global-basin rate',
            title: 'Ablations: share of runs ending in the global basin',
          }),
        },
      ],
    };
  },
};
