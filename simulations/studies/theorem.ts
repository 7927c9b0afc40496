/**
 * Study 2: Theorem 3.1 in numbers. On the tilted double well, whose shallow well has the analytic
 * depth Δ, every run starts in the shallow well's basin and the study counts the runs that are in
 * the global well's basin at the horizons 10^3, 10^4, 10^5 (occupancy), the first step at which
 * each run entered it (checked after every step), and the runs within δ of the minimiser, against
 * c/Δ. References: the Gibbs law at each horizon's temperature (core gibbsMass), which is what a
 * method that had equilibrated would show. A second design starts uniformly in the box and splits
 * the runs by their start basin. Neither the annealing schedules nor the index schedule depends on
 * the horizon, so one 10^5-step run per cell serves all three horizons.
 */
import { doubleWellCriticalPoints, DEFAULT_TILT } from '../../src/core/objectives/index.ts';
import { gibbsMass } from '../../src/core/sde.ts';
import { hittingEcdf, wilsonInterval } from '../../src/core/stats.ts';
import { num, rate, table } from '../../src/report/format.ts';
import type { CellConfig, CellResult } from '../cell.ts';
import { problemHyper, type Problem } from '../hyper.ts';
import { CONTROL, specFor } from '../roster.ts';
import { objectiveOf } from '../runner.ts';
import {
  compareFamily,
  countDecisions,
  diagnosticsSentences,
  familySentence,
  indicators,
  lineChart,
  rateOf,
  rows,
  startIndicators,
  summaryOf,
  temperatureAt,
  type Family,
  type Row,
} from './common.ts';
import { CellBuilder, scaleOf, selected, type Study, type StudyOptions } from './study.ts';

export const C_OVER_DELTA: readonly number[] = [0.25, 0.5, 1, 2, 4];
export const HORIZONS: readonly number[] = [1_000, 10_000, 100_000];
const PROBLEM: Problem = { objective: 'double-well', dims: 1 };

type Design = 'shallow' | 'uniform';
const DESIGN_WORDS: Record<Design, string> = {
  shallow: 'starts uniform in the shallow well\'s basin (barrier top, 2]',
  uniform: 'starts uniform in the box [−2, 2], split by start basin',
};

/**
 * The optimizers swept over c/Δ. `annealed`: the temperature follows the c/ln(·) schedule, so the
 * theorem predicts a rise for c ≥ Δ and a stall for c ≪ Δ; the others run at SGD's constant T_end.
 */
const SWEPT: readonly { readonly name: string; readonly annealed: boolean; readonly designs: readonly Design[]; readonly note?: string }[] = [
  { name: 'langevin', annealed: true, designs: ['shallow', 'uniform'] },
  { name: 'sa', annealed: true, designs: ['shallow'] },
  { name: 'qsgd-lgv', annealed: true, designs: ['shallow', 'uniform'], note: 'exact gradient' },
  { name: 'qtadam-lgv', annealed: true, designs: ['shallow'], note: 'exact gradient' },
  { name: 'qsgd-lgv-noise', annealed: true, designs: ['shallow', 'uniform'], note: 'its quantization anneals with C = c; SGD\'s noise adds the constant T_end' },
  { name: 'sgd', annealed: false, designs: ['shallow'], note: 'constant temperature T_end, not annealed' },
];
const SWEPT_NAMES = SWEPT.map((o) => o.name);
/** Not swept (no temperature constant): GD, the level without noise, and (uniform starts) the fine-grid control. */
const FIXED: Record<Design, readonly string[]> = { shallow: ['gd'], uniform: ['gd', CONTROL] };

function wellGeometry() {
  const objective = objectiveOf({ problem: PROBLEM });
  const [minimiser, top] = doubleWellCriticalPoints(DEFAULT_TILT);
  const point = new Float64Array(1);
  const f = (w: number) => {
    point[0] = w;
    return objective.value(point, 0);
  };
  return { objective, Delta: objective.barrier!, minimiser, top, f, upper: objective.upper };
}

/**
 * Below this T/Δ the Gibbs law is the T → 0 limit (all mass at the global minimiser) to within
 * e^{−Δ/T} < e^{−1000}, and narrower than the integration's cells: the limit is used.
 */
const GIBBS_LIMIT = 1e-3;

const gibbsMemo = new Map<string, { basin: number; delta: number }>();

/** Gibbs masses at temperature T of the global basin and of the δ-ball around the minimiser. */
function gibbsReference(T: number | null, delta: number): { basin: number; delta: number } | null {
  if (T === null) return null;
  const key = `${T}|${delta}`;
  const known = gibbsMemo.get(key);
  if (known) return known;
  const { f, top, minimiser, Delta } = wellGeometry();
  let reference = { basin: 1, delta: 1 };
  if (T >= GIBBS_LIMIT * Delta) {
    const [basin, within] = gibbsMass(f, T, [[-Infinity, top], [minimiser - delta, minimiser + delta]], [-3, 3]);
    reference = { basin, delta: within };
  }
  gibbsMemo.set(key, reference);
  return reference;
}

function design(row: Row): Design {
  return row.cell.labels.design as Design;
}

function ratio(row: Row): number {
  return Number(row.cell.labels.cOverDelta);
}

export const theorem: Study = {
  name: 'theorem',
  title: 'Theorem 3.1 in numbers: global-basin occupancy against c/Δ and the horizon on the tilted double well',
  question:
    'Geman–Hwang: with T = c/ln(t+2) and c at least the barrier Δ, the law of the iterate concentrates on the global minimisers. ' +
    'Starting every run in the shallow well, does the share of runs in the global well\'s basin rise with the horizon for c ≥ Δ and stall ' +
    'for c ≪ Δ — for annealed Langevin, simulated annealing, the proposed quantized methods with C = c (Langevin κ) on the exact gradient, ' +
    'and the proposed QSGD on SGD\'s noisy gradient (the paper\'s setting)? SGD at the constant temperature T_end is the non-annealed comparison.',
  scales: { default: { runs: 100, steps: 100_000 }, full: { runs: 1000, steps: 100_000 } },
  optimizers: [...FIXED.uniform, ...SWEPT_NAMES],
  cells(options: StudyOptions): CellConfig[] {
    const scale = scaleOf(this, options);
    const builder = new CellBuilder('theorem', options, scale);
    if (options.objectives && !options.objectives.includes(PROBLEM.objective)) return [];
    const hyper = problemHyper(PROBLEM);
    const { Delta, top, upper } = wellGeometry();
    const horizons = HORIZONS.filter((h) => h < scale.steps);
    for (const d of ['shallow', 'uniform'] as const) {
      const startBox = d === 'shallow' ? ([top, upper] as const) : undefined;
      for (const optimizer of selected(FIXED[d], options.optimizers)) {
        builder.add(PROBLEM, optimizer, specFor(optimizer, { ...hyper, steps: scale.steps }), { design: d, cOverDelta: 0 }, { startBox, horizons });
      }
      for (const { name } of SWEPT.filter((o) => o.designs.includes(d))) {
        if (options.optimizers && !options.optimizers.includes(name)) continue;
        for (const r of C_OVER_DELTA) {
          const spec = specFor(name, { ...hyper, c: r * Delta, steps: scale.steps });
          builder.add(PROBLEM, name, spec, { design: d, cOverDelta: r, c: r * Delta }, { startBox, horizons });
        }
      }
    }
    return builder.cells;
  },
  render(cells: readonly CellConfig[], results: readonly CellResult[]) {
    const all = rows(cells, results);
    const { Delta, top } = wellGeometry();
    const steps = cells[0]?.steps ?? 0;
    const horizons = [...new Set(all.flatMap((r) => r.result.basin.horizons.map((h) => h.t)))].sort((a, b) => a - b);
    const first = horizons[0];
    const last = horizons[horizons.length - 1];
    const delta = cells[0]?.delta ?? 0.1;
    const families: Family[] = [];
    const of = (d: Design) => all.filter((r) => design(r) === d);
    const find = (d: Design, name: string, r?: number) => all.find((x) => design(x) === d && x.cell.optimizer === name && (r === undefined || ratio(x) === r));

    // --- Rise between the first and the last horizon, per annealed method (shallow starts).
    const patterns = new Map<string, { family: Family; hotRise: number; hot: number; coldRise: number; cold: number; annealed: boolean }>();
    if (first !== last) {
      for (const { name, annealed } of SWEPT) {
        const own = of('shallow').filter((r) => r.cell.optimizer === name);
        if (own.length === 0) continue;
        const family = compareFamily(
          `theorem/rise/${name}`,
          `${name} at t = ${last}`,
          `${name} at t = ${first}`,
          'basin',
          own.map((row) => ({ group: `c/Δ = ${num(ratio(row))}`, subject: { row, t: last }, other: { row, t: first } })),
        );
        families.push(family);
        const entries = own.map((row, i) => ({ r: ratio(row), decision: family.entries[i].decision }));
        const hot = entries.filter((e) => e.r >= 1);
        const cold = entries.filter((e) => e.r <= 0.5);
        patterns.set(name, {
          family,
          annealed,
          hot: hot.length,
          hotRise: hot.filter((e) => e.decision === 'higher').length,
          cold: cold.length,
          coldRise: cold.filter((e) => e.decision === 'higher').length,
        });
      }
    }
    const patternWords = (name: string): string => {
      const p = patterns.get(name);
      if (!p) return 'not run';
      if (!p.annealed) return 'no prediction (not annealed)';
      if (p.hot === 0 || p.cold === 0) return 'too few cells for a verdict';
      if (p.hotRise === p.hot && p.coldRise === 0) return 'the pattern the theorem predicts: rises for every c ≥ Δ, stalls for c ≤ Δ/2';
      if (p.hotRise === 0 && p.coldRise === 0) return 'no rise at any c: the prediction for c ≥ Δ is not seen at these horizons';
      return `seen in part: rises for ${p.hotRise} of ${p.hot} settings with c ≥ Δ and for ${p.coldRise} of ${p.cold} with c ≤ Δ/2`;
    };

    // --- Comparisons at the last horizon, shallow starts, over c/Δ.
    const overC = (id: string, subject: string, other: string, d: Design = 'shallow') => {
      const pairs = C_OVER_DELTA.flatMap((r) => {
        const s = find(d, subject, r);
        const o = find(d, other, r);
        return s && o ? [{ group: `c/Δ = ${num(r)}`, subject: { row: s }, other: { row: o } }] : [];
      });
      if (pairs.length === 0) return null;
      const family = compareFamily(id, subject, other, 'basin', pairs);
      families.push(family);
      return family;
    };
    const comparisonSentences: string[] = [];
    for (const [subject, other] of [['qsgd-lgv-noise', 'langevin'], ['qsgd-lgv-noise', 'sgd'], ['qsgd-lgv', 'langevin'], ['sa', 'langevin']] as const) {
      const f = overC(`theorem/${subject}-vs-${other}`, subject, other);
      if (f) comparisonSentences.push(`At t = ${last}, shallow starts: ${familySentence(f)}`);
    }
    // --- The control: a noiseless quantized method on a very fine grid against GD, same uniform starts.
    let controlLine: string | null = null;
    const control = find('uniform', CONTROL);
    const gd = find('uniform', 'gd');
    if (control && gd) {
      const f = compareFamily('theorem/control-vs-gd', CONTROL, 'gd', 'basin', [{ group: 'uniform starts', subject: { row: control }, other: { row: gd } }]);
      families.push(f);
      const e = f.entries[0];
      const same = e.onlySubject + e.onlyOther === 0;
      controlLine =
        `Control: ${CONTROL} (noiseless, cells of 2^-30) ends in the global basin in ${e.subjectRate.toFixed(2)} of the uniform starts, GD in ${e.otherRate.toFixed(2)}; ` +
        `${e.onlySubject + e.onlyOther} of ${e.runs} runs differ (${same ? 'it coincides with GD run by run: the design gives quantized and plain methods the same starts' : `McNemar p_Holm ${e.pHolm.toPrecision(2)}`}).`;
    }

    // --- Crossings of the noiseless proposed methods (shallow starts: every crossing is a barrier crossing).
    const noiseless = of('shallow').filter((r) => (r.cell.optimizer === 'qsgd-lgv' || r.cell.optimizer === 'qtadam-lgv'));
    const crossings = noiseless.reduce((s, r) => s + (r.result.basin.firstPassage?.filter((t) => t !== null).length ?? 0), 0);
    const noiselessRuns = noiseless.reduce((s, r) => s + r.cell.runs, 0);

    // --- Verdict (3–5 lines).
    const verdict: string[] = [];
    verdict.push(
      `Tilted double well, Δ = ${num(Delta, 4)}, every run started in the shallow well; one clock T(t) = c/ln(t + 2) for every annealed method; ` +
        `verdicts on global-basin occupancy, ${first} → ${last} evaluations, paired McNemar over the same runs, Holm over the ${C_OVER_DELTA.length} values of c/Δ.`,
    );
    const annealedLine = ['langevin', 'sa', 'qsgd-lgv-noise']
      .filter((n) => patterns.has(n))
      .map((n) => `${n}: ${patternWords(n)}`)
      .join('; ');
    if (annealedLine) verdict.push(`${annealedLine}.`);
    if (noiseless.length) {
      verdict.push(
        `Proposed methods on the exact gradient (qsgd-lgv, qtadam-lgv): ${crossings} of ${noiselessRuns} runs ever entered the global basin (every c, horizon ${last}): ` +
          'the deterministic quantized map does not cross the barrier, whatever c — Theorem 3.1\'s mechanism needs noise the exact-gradient quantized step does not supply.',
      );
    }
    const sgdPattern = patterns.get('sgd');
    if (sgdPattern) {
      const row = find('shallow', 'sgd', 1);
      verdict.push(
        `SGD at the constant T_end (no annealing): occupancy at c/Δ = 1 ${row ? `${rateOf(row, 'basin', first).estimate.toFixed(2)} → ${rateOf(row, 'basin', last).estimate.toFixed(2)}` : '—'}; ` +
          `rises for ${sgdPattern.hotRise} of ${sgdPattern.hot} settings with c ≥ Δ and ${sgdPattern.coldRise} of ${sgdPattern.cold} with c ≤ Δ/2.`,
      );
    }
    if (controlLine) verdict.push(controlLine);

    // --- Tables.
    const rowWords = (row: Row) => [row.cell.optimizer, row.cell.spec.kind === 'gd' || row.cell.spec.kind === 'fixed-quantized' ? '—' : num(ratio(row))];
    const shallowTable = table(
      ['optimizer', 'c/Δ', ...horizons.flatMap((h) => [`T/Δ at ${h}`, `basin at ${h}`, `Gibbs basin at ${h}`]), `entered by ${last}`, 'median first passage'],
      of('shallow').map((row) => {
        const fp = row.result.basin.firstPassage ?? [];
        const entered = fp.filter((t): t is number => t !== null).sort((a, b) => a - b);
        return [
          ...rowWords(row),
          ...horizons.flatMap((h) => {
            const T = temperatureAt(row, h);
            const g = gibbsReference(T, delta);
            return [T === null ? '—' : num(T / Delta), rate(rateOf(row, 'basin', h)), g ? g.basin.toFixed(2) : '—'];
          }),
          `${entered.length} of ${row.cell.runs}`,
          entered.length ? num(entered[Math.floor((entered.length - 1) / 2)]) : '—',
        ];
      }),
    );
    const deltaTable = table(
      ['optimizer', 'c/Δ', ...horizons.flatMap((h) => [`within δ at ${h}`, `Gibbs within δ at ${h}`])],
      of('shallow').map((row) => [
        ...rowWords(row),
        ...horizons.flatMap((h) => {
          const g = gibbsReference(temperatureAt(row, h), delta);
          return [rate(rateOf(row, 'delta', h)), g ? g.delta.toFixed(2) : '—'];
        }),
      ]),
    );
    const uniformTable = table(
      ['optimizer', 'c/Δ', `T_end/Δ`, 'all runs: basin at end', 'started in the global basin: still there', 'started in the shallow basin: crossed', `Gibbs basin at T_end`],
      of('uniform').map((row) => {
        const start = startIndicators(row);
        const end = indicators(row, 'basin');
        let inGlobal = 0;
        let stayed = 0;
        let crossed = 0;
        for (let r = 0; r < start.length; r++) {
          if (start[r]) {
            inGlobal++;
            stayed += end[r];
          } else crossed += end[r];
        }
        const T = temperatureAt(row, last);
        const g = gibbsReference(T, delta);
        return [
          ...rowWords(row),
          T === null ? '—' : num(T / Delta),
          rate(rateOf(row, 'basin')),
          inGlobal ? `${rate(wilsonInterval(stayed, inGlobal))} of ${inGlobal}` : '—',
          start.length - inGlobal ? `${rate(wilsonInterval(crossed, start.length - inGlobal))} of ${start.length - inGlobal}` : '—',
          g ? g.basin.toFixed(2) : '—',
        ];
      }),
    );
    const riseSentences = [...patterns.entries()].map(([name, p]) => {
      const note = SWEPT.find((o) => o.name === name)?.note;
      const d = countDecisions(p.family);
      const listed = p.family.entries.map((e) => `${e.group}: ${e.otherRate.toFixed(2)} → ${e.subjectRate.toFixed(2)} (${e.decision === 'higher' ? 'rises' : e.decision === 'lower' ? 'falls' : 'no detectable change'}, ${e.onlySubject}:${e.onlyOther}, p_Holm ${e.pHolm.toPrecision(2)})`);
      return `${name}${note ? ` (${note})` : ''}, global-basin occupancy from t = ${first} to ${last}: ${listed.join('; ')}. Rises on ${d.higher.length} of ${p.family.entries.length}: ${patternWords(name)}.`;
    });
    const hyper = problemHyper(PROBLEM);
    const markdown = [
      `Barrier of the shallow well (core objective .barrier): Δ = ${num(Delta, 6)}; barrier top at w = ${num(top, 4)}. λ = 2^${Math.log2(hyper.lambda)} (the stated rule), ` +
        `runs per cell ${cells[0]?.runs ?? 0}, evaluations per run ${steps}, horizons ${horizons.join(', ')}. Designs: ${Object.entries(DESIGN_WORDS).map(([k, v]) => `\`${k}\`: ${v}`).join('; ')}.`,
      '',
      'T/Δ at a horizon: the method\'s temperature there over Δ (annealed Langevin and SA: c/ln(t + 1)/Δ; quantized methods: the median run\'s T_q = 1/(24λQ_p²), plus SGD\'s λσ²/2 for ' +
        'the -noise variants; SGD: the constant T_end = c/ln(N + 2) with N = the budget, at every horizon). Gibbs: the mass of the global basin (w < barrier top) and of the δ-ball ' +
        'around the global minimiser under π_T ∝ e^{−f/T} at that temperature (core gibbsMass, Simpson on [−3, 3]): what a method in equilibrium at T would show. ' +
        'First passage: the first evaluation after which the run was in the global basin, checked after every step.',
      '',
      `## Global-basin occupancy by horizon, shallow starts (estimate [95% Wilson interval])`,
      '',
      shallowTable,
      '',
      '## Within δ of the global minimiser, shallow starts, against the Gibbs mass within δ',
      '',
      `The within-δ rate (δ = ${num(delta)}) also measures the thermal width of the well: at T/Δ ≳ 0.3 the Gibbs mass within δ is well below 1 even when every run is in the global basin.`,
      '',
      deltaTable,
      '',
      `## Uniform starts, split by the basin each run started in (t = ${last})`,
      '',
      uniformTable,
      '',
      '## What the numbers say (generated from the tables above)',
      '',
      ...riseSentences.map((s) => `- ${s}`),
      ...comparisonSentences.map((s) => `- ${s}`),
      ...(controlLine ? [`- ${controlLine}`] : []),
      ...diagnosticsSentences(all).map((s) => `- ${s}`),
      '',
    ].join('\n');

    // --- Figures: occupancy against c/Δ per horizon with the Gibbs reference; first-passage ECDFs.
    const values = of('shallow')
      .filter((r) => SWEPT_NAMES.includes(r.cell.optimizer))
      .flatMap((row) =>
        horizons.flatMap((h) => {
          const interval = rateOf(row, 'basin', h);
          const g = gibbsReference(temperatureAt(row, h), delta);
          const common = { optimizer: row.cell.optimizer, cOverDelta: ratio(row) };
          return [
            { ...common, series: `measured, t = ${h}`, proposed: true, rate: interval.estimate, lower: interval.lower, upper: interval.upper },
            ...(g ? [{ ...common, series: `Gibbs at T(${h})`, proposed: false, rate: g.basin, lower: g.basin, upper: g.basin }] : []),
          ];
        }),
      );
    const passageValues = of('shallow')
      .filter((r) => SWEPT_NAMES.includes(r.cell.optimizer) && r.result.basin.firstPassage)
      .flatMap((row) => {
        const times = row.result.basin.firstPassage!.map((t) => (t === null ? Infinity : t));
        const ecdf = hittingEcdf(times, row.result.checkpoints);
        return row.result.checkpoints.map((t, i) => ({
          optimizer: row.cell.optimizer,
          series: `c/Δ = ${num(ratio(row))}`,
          proposed: ratio(row) >= 1,
          evaluations: t,
          rate: ecdf[i],
        }));
      });
    return {
      verdict,
      markdown,
      families,
      summary: summaryOf(all),
      figures: [
        {
          name: 'basin-vs-c',
          caption: 'Shallow starts: share of runs in the global basin against c/Δ at three horizons (solid, 95% Wilson intervals) and the Gibbs basin mass at each horizon\'s temperature (dashed), per optimizer',
          spec: lineChart({
            values,
            x: 'cOverDelta',
            xTitle: 'c/Δ',
            xScale: { type: 'log', base: 2 },
            series: 'series',
            seriesTitle: 'horizon',
            facet: 'optimizer',
            columns: 2,
            title: 'Double well, shallow starts: global-basin occupancy',
            y: { field: 'rate', title: 'share in global basin', domain: [0, 1] },
          }),
        },
        {
          name: 'first-passage',
          caption: 'Shallow starts: share of runs that have entered the global basin by t evaluations (first passage checked after every step), per c/Δ (solid: c ≥ Δ)',
          spec: lineChart({
            values: passageValues,
            x: 'evaluations',
            xTitle: 'evaluations t',
            xScale: { type: 'log' },
            series: 'series',
            seriesTitle: 'c/Δ',
            facet: 'optimizer',
            columns: 2,
            intervals: false,
            interpolate: 'step-after',
            title: 'Double well, shallow starts: first passage into the global basin',
            y: { field: 'rate', title: 'share entered', domain: [0, 1] },
          }),
        },
      ],
    };
  },
};
