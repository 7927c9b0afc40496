/**
 * Pieces the study renderers share: per-cell lookup, the temperature a cell runs at, paired
 * comparisons (exact McNemar on the per-run indicators of runs that share their starts, Holm over a
 * family), detail tables, the flat summary, and figure specs (lines drawn as lines, at most eight
 * series per panel, the proposed methods drawn solid and thick, every other method dashed).
 */
import type { CellConfig, CellResult, HorizonIndicators } from '../cell.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import { langevinKappa, quantizationTemperature, REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import { decide, holmAdjust, mcNemarExact, pairedCounts, wilsonInterval, type Decision, type Interval } from '../../src/core/stats.ts';
import { countOf, num, percent, rate, table } from '../../src/report/format.ts';
import { byDecision, type PairedEntry } from '../../src/report/paired.ts';

export interface Row {
  readonly cell: CellConfig;
  readonly result: CellResult;
}

export function rows(cells: readonly CellConfig[], results: readonly CellResult[]): Row[] {
  return cells.map((cell, i) => ({ cell, result: results[i] }));
}

/** What a renderer starts from: the rows, the problems and optimizers in cell order, the evaluation budget. */
export interface RenderInput {
  readonly all: Row[];
  readonly problems: Problem[];
  readonly optimizers: string[];
  readonly steps: number;
}

export function renderInput(cells: readonly CellConfig[], results: readonly CellResult[]): RenderInput {
  const all = rows(cells, results);
  return {
    all,
    problems: [...new Map(all.map((r) => [problemKey(r.cell.problem), r.cell.problem])).values()],
    optimizers: [...new Set(all.map((r) => r.cell.optimizer))],
    steps: cells[0]?.steps ?? 0,
  };
}

/** The rows of one problem. */
export function rowsOn(all: readonly Row[], problem: Problem): Row[] {
  return all.filter((r) => problemKey(r.cell.problem) === problemKey(problem));
}

export function problemLabel(cell: CellConfig): string {
  return `${cell.problem.objective}${cell.problem.mirrored ? ' mirrored' : ''} d=${cell.problem.dims}`;
}

export function uniqueProblems(all: readonly Row[]): string[] {
  return [...new Set(all.map((r) => problemKey(r.cell.problem)))];
}

// ---------------------------------------------------------------------------------------------
// Temperatures. Every annealed method runs on one clock, t = evaluations so far.

/** The sentence every report states about temperatures. */
export const CLOCK_RULE =
  'One clock for every annealed method: t = evaluations so far. Annealed Langevin (Euler–Maruyama, dt = λ) and simulated annealing ' +
  'cool as T(t) = c/ln(t + 2); the proposed methods target T(t) = b^{2β/(t+2)}·C/ln(t + 2) on the same t (SPEC §6, eq. 12), and ' +
  'their quantized step has the temperature T_q = 1/(24·λ·Q_p²) of SPEC §4 (read under the white-noise hypothesis; with Langevin κ ' +
  'it is κ/Q_p², between T(t)/b² and T(t) while B.2b sets p). SGD and the `-noise` variants add the constant λσ²/2. ' +
  'T_end is the temperature at the last evaluation: c/ln(N + 1) for Langevin and SA, the median run\'s T_q (plus λσ²/2) for the quantized methods, 0 for GD and ADAM.';

/** Index of evaluation count t among the cell's checkpoints (−1 if it is not one). */
function checkpointIndex(row: Row, t: number): number {
  return row.result.checkpoints.indexOf(t);
}

/**
 * The temperature the method runs at after t evaluations (t a checkpoint): the annealed target,
 * the quantized step's T_q = 1/(24λQ_p²) at the median run's index (SPEC §4), SGD's λσ²/2, or 0.
 */
export function temperatureAt(row: Row, t: number): number | null {
  const { spec } = row.cell;
  const i = checkpointIndex(row, t);
  if (i < 0) return null;
  const noise = 'noise' in spec && spec.noise ? (spec.lambda * spec.noise * spec.noise) / 2 : 0;
  switch (spec.kind) {
    case 'gd':
    case 'adam':
      return 0;
    case 'sgd':
      return (spec.lambda * spec.noise * spec.noise) / 2;
    case 'langevin':
    case 'annealing':
      return row.result.temperature?.[i] ?? null;
    case 'fixed-quantized':
    case 'proposed': {
      const q = row.result.quantization;
      if (!q) return null;
      const p = Math.round(q.p[i].median);
      return quantizationTemperature(p, { ...REFERENCE_SCHEDULE, kappa: langevinKappa(spec.lambda) }) + noise;
    }
    case 'plugin':
      // A user's optimizer states no temperature.
      return null;
  }
}

export function endTemperature(row: Row): number | null {
  return temperatureAt(row, row.cell.steps);
}

// ---------------------------------------------------------------------------------------------
// Per-run indicators and paired comparisons.

export type Measure = 'basin' | 'delta';

export const MEASURE_WORDS: Record<Measure, string> = {
  basin: 'global-basin rate',
  delta: 'within-δ rate',
};

export function horizonOf(row: Row, t = row.cell.steps): HorizonIndicators {
  const h = row.result.basin.horizons.find((x) => x.t === t);
  if (!h) throw new RangeError(`${row.cell.optimizer}: no indicators recorded at t = ${t}`);
  return h;
}

export function indicators(row: Row, measure: Measure, t = row.cell.steps): Uint8Array {
  const s = horizonOf(row, t)[measure];
  return Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));
}

export function startIndicators(row: Row): Uint8Array {
  return Uint8Array.from(row.result.basin.start, (c) => (c === '1' ? 1 : 0));
}

export function hits(row: Row, measure: Measure, t = row.cell.steps): number {
  let n = 0;
  for (const c of horizonOf(row, t)[measure]) if (c === '1') n++;
  return n;
}

export function rateOf(row: Row, measure: Measure, t = row.cell.steps): Interval {
  return wilsonInterval(hits(row, measure, t), row.cell.runs);
}

/** One side of a paired comparison: a cell at a horizon. */
export interface Side {
  readonly row: Row;
  readonly t?: number;
}

export type { PairedEntry };

/** A family of paired comparisons of one subject against one other over groups (problems, c/Δ, …), Holm-adjusted together. */
export interface Family {
  readonly id: string;
  readonly subject: string;
  readonly other: string;
  readonly measure: Measure;
  readonly entries: readonly PairedEntry[];
}

export const PAIRED_RULE =
  'Comparisons are paired: every optimizer of a problem runs from the same starts, so run r of one cell is compared with run r of the other. ' +
  'Exact two-sided McNemar test on the discordant runs (core mcNemarExact), Holm-adjusted over each family (one subject against one other ' +
  'over the groups named in its sentence, core holmAdjust); "higher"/"lower" when the adjusted p < 0.05, else "indistinguishable".';

/** The pairs of a family: for each group where both cells exist, the subject's row against the other's. */
export function pairsOver<G>(
  groups: readonly G[],
  subjectOf: (group: G) => Row | undefined,
  otherOf: (group: G) => Row | undefined,
  label: (group: G, subject: Row) => string,
): { group: string; subject: Side; other: Side }[] {
  return groups.flatMap((group) => {
    const s = subjectOf(group);
    const o = otherOf(group);
    return s && o ? [{ group: label(group, s), subject: { row: s }, other: { row: o } }] : [];
  });
}

export function compareFamily(
  id: string,
  subject: string,
  other: string,
  measure: Measure,
  pairs: readonly { group: string; subject: Side; other: Side }[],
): Family {
  const raw = pairs.map(({ group, subject: s, other: o }) => {
    const a = indicators(s.row, measure, s.t);
    const b = indicators(o.row, measure, o.t);
    const counts = pairedCounts(a, b);
    return {
      group,
      runs: counts.n,
      subjectRate: (counts.both + counts.onlyA) / counts.n,
      otherRate: (counts.both + counts.onlyB) / counts.n,
      onlySubject: counts.onlyA,
      onlyOther: counts.onlyB,
      p: mcNemarExact(counts.onlyA, counts.onlyB),
    };
  });
  const adjusted = holmAdjust(raw.map((e) => e.p));
  const entries = raw.map((e, i) => ({ ...e, pHolm: adjusted[i], decision: decide(e.subjectRate - e.otherRate, adjusted[i]) }));
  return { id, subject, other, measure, entries };
}

export function countDecisions(f: Family): Record<Decision, PairedEntry[]> {
  return byDecision(f.entries);
}

function pValue(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

/** "g (0.45 vs 0.30; 18:3 discordant, p_Holm 0.002)". */
export function entryWords(e: PairedEntry): string {
  return `${e.group} (${e.subjectRate.toFixed(2)} vs ${e.otherRate.toFixed(2)}; ${e.onlySubject}:${e.onlyOther} discordant, p_Holm ${pValue(e.pHolm)})`;
}

/** The family in one sentence: where the subject is higher, lower, indistinguishable. */
export function familySentence(f: Family, subjectWords = f.subject, otherWords = f.other): string {
  const d = countDecisions(f);
  const n = f.entries.length;
  const list = (xs: PairedEntry[]) => (xs.length ? ` (${xs.map(entryWords).join('; ')})` : '');
  return (
    `${subjectWords} against ${otherWords}, ${MEASURE_WORDS[f.measure]}: higher on ${countOf(d.higher.length, n)}${list(d.higher)}, ` +
    `lower on ${countOf(d.lower.length, n)}${list(d.lower)}, indistinguishable on ${countOf(d.indistinguishable.length, n)}.`
  );
}

/** One-line tally of a family: "higher 3, lower 0, indistinguishable 7 of 10". */
export function familyTally(f: Family): string {
  const d = countDecisions(f);
  return `higher on ${d.higher.length}, lower on ${d.lower.length}, indistinguishable on ${d.indistinguishable.length} of ${f.entries.length}`;
}

// ---------------------------------------------------------------------------------------------
// Tables and the flat summary.

/** One row per cell: T_end, basin and δ rates, final gap, ERTs and the quantization diagnostics. */
export function detailTable(all: readonly Row[], first: (row: Row) => string, firstHeader: string): string {
  const targets = all[0]?.cell.targets ?? [];
  const headers = [
    firstHeader,
    'T_end',
    'global-basin rate [95% CI]',
    'δ-hit rate [95% CI]',
    'ε-hit rate [95% CI]',
    'median f − f*',
    ...targets.map((t) => `ERT f−f*<${num(t)}`),
    'diverged',
    'vanishing steps',
    'bound broken',
    'final p (median)',
  ];
  const body = all.map((row) => {
    const { result } = row;
    const q = result.quantization;
    return [
      first(row),
      num(endTemperature(row)),
      rate(result.final.rateBasin),
      rate(result.final.rateDelta),
      rate(result.final.rateEpsilon),
      num(result.final.gap?.median ?? null),
      ...result.targets.map((t) => (t.ert === null ? '∞' : num(t.ert))),
      String(result.diverged),
      q ? percent(q.vanishedFraction) : '—',
      q ? percent(q.brokenFraction) : '—',
      q ? String(q.p[q.p.length - 1].median) : '—',
    ];
  });
  return table(headers, body);
}

/** A flat table (summary.csv). */
export interface Summary {
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/** One line per cell and horizon: labels, T(t), rates with Wilson bounds, diverged runs. */
export function summaryOf(all: readonly Row[]): Summary {
  const labelKeys = [...new Set(all.flatMap((r) => Object.keys(r.cell.labels)))];
  const header = [
    'study', 'problem', 'optimizer', ...labelKeys, 'runs', 't', 'temperature', 'lambda', 'c',
    'basin_rate', 'basin_lower', 'basin_upper', 'delta_rate', 'delta_lower', 'delta_upper', 'start_basin_rate', 'diverged',
  ];
  const out: (string | number | null)[][] = [];
  for (const row of all) {
    const hyper = problemHyper(row.cell.problem);
    const startRate = row.result.basin.start.split('').filter((c) => c === '1').length / row.cell.runs;
    for (const h of row.result.basin.horizons) {
      const basin = rateOf(row, 'basin', h.t);
      const delta = rateOf(row, 'delta', h.t);
      out.push([
        row.cell.study,
        problemLabel(row.cell),
        row.cell.optimizer,
        ...labelKeys.map((k) => row.cell.labels[k] ?? null),
        row.cell.runs,
        h.t,
        temperatureAt(row, h.t),
        'lambda' in row.cell.spec ? row.cell.spec.lambda : null,
        'c' in row.cell.spec ? row.cell.spec.c : row.cell.spec.kind === 'proposed' ? row.cell.spec.C : hyper.c,
        basin.estimate, basin.lower, basin.upper,
        delta.estimate, delta.lower, delta.upper,
        startRate,
        row.result.diverged,
      ]);
    }
  }
  return { header, rows: out };
}

export function csv(summary: Summary): string {
  const cell = (x: string | number | null) => {
    if (x === null) return '';
    if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
    return /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
  };
  return [summary.header.map(cell).join(','), ...summary.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** Sentences about the along-the-run diagnostics of the proposed optimizers in these rows. */
export function diagnosticsSentences(all: readonly Row[]): string[] {
  const proposed = all.filter((r) => r.cell.spec.kind === 'proposed' && r.result.quantization);
  if (proposed.length === 0) return [];
  const fractions = proposed.map((r) => r.result.quantization!.vanishedFraction);
  const broken = proposed.map((r) => r.result.quantization!.brokenFraction ?? 0);
  const atCap = proposed.filter((r) => {
    const q = r.result.quantization!;
    return r.cell.spec.kind === 'proposed' && q.p[q.p.length - 1].median >= r.cell.spec.pMax;
  });
  const anyBroken = proposed.filter((r) => (r.result.quantization!.runsBroken ?? 0) > 0);
  return [
    `Across the ${proposed.length} cells of the proposed optimizers, the fraction of steps in the vanishing regime ` +
      `(quantized step all zero at the index it started with, B.2a's trigger) ranged from ${percent(Math.min(...fractions))} ` +
      `to ${percent(Math.max(...fractions))}.`,
    `The annealing bound T_q(t)·ln(t+2) ≥ C/b² (SPEC §5) was broken in ${percent(Math.min(...broken))} to ` +
      `${percent(Math.max(...broken))} of run-steps; ${countOf(anyBroken.length, proposed.length)} cells had at least one run ` +
      `break it, and in ${countOf(atCap.length, proposed.length)} cells the median index ended at p_max ` +
      `(the quantization noise then no longer follows the schedule: B.2a, not B.2b, set p).`,
  ];
}

/**
 * Cells where at least half the runs ended exactly on a global minimiser (distance 0 in floating
 * point): a quantized iterate can stop on a minimiser that is reachable by grid steps (every later
 * step vanishes), a property of the grid and the objective, not of annealing.
 */
export function exactLandingSentences(all: readonly Row[], label: (row: Row) => string): string[] {
  const exact = all.filter((r) => 2 * r.result.final.exact >= r.cell.runs);
  if (exact.length === 0) return [];
  return [
    `In ${exact.length} cell(s) at least half the runs ended exactly on a global minimiser (distance 0 in floating point): ` +
      `${exact.map((r) => `${label(r)} (${r.result.final.exact} of ${r.cell.runs})`).join(', ')}. A quantized iterate can stop on a ` +
      'minimiser that its grid steps reach exactly (every later step vanishes): read these cells as grid effects, not as annealing.',
  ];
}

// ---------------------------------------------------------------------------------------------
// Figures.

/** How a method is drawn: the proposed methods stand out (solid, thick), the others are dashed. */
export type MethodFamily = 'proposed' | 'fixed-p' | 'plain' | 'annealed' | 'control';

export function familyOf(cell: Pick<CellConfig, 'spec'>): MethodFamily {
  switch (cell.spec.kind) {
    case 'proposed':
      return 'proposed';
    case 'fixed-quantized':
      return cell.spec.p >= 24 ? 'control' : 'fixed-p';
    case 'langevin':
    case 'annealing':
      return 'annealed';
    default:
      return 'plain';
  }
}

export const MAX_SERIES = 8;
/** Eight colours that stay apart in print and for common colour-vision deficiencies (Okabe–Ito, with Tol's wine for the yellow, which vanishes on white). */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#882255'];

/** The panels methods are split into when one panel would hold more than MAX_SERIES lines. */
const PANEL_GROUPS: readonly { readonly name: string; readonly families: readonly MethodFamily[] }[] = [
  { name: 'proposed', families: ['proposed'] },
  { name: 'fixed p and the control', families: ['fixed-p', 'control'] },
  { name: 'plain and annealed', families: ['plain', 'annealed'] },
];

/** Panel of each method: by family group, a group of more than MAX_SERIES split into numbered parts. */
export function panelsOf(methods: readonly { readonly name: string; readonly family: MethodFamily }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of PANEL_GROUPS) {
    const members = methods.filter((m) => group.families.includes(m.family)).map((m) => m.name);
    const parts = Math.ceil(members.length / MAX_SERIES);
    for (let i = 0; i < members.length; i++) out.set(members[i], parts > 1 ? `${group.name} (${Math.floor(i / MAX_SERIES) + 1} of ${parts})` : group.name);
  }
  return out;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * Lines with point marks and thin interval rules: x quantitative, one line per `series` value
 * (at most eight per panel: the caller facets by `facet`), the proposed methods solid and thick.
 * `values` rows carry x, rate, lower, upper, the series, and `proposed` (boolean).
 */
export function lineChart(options: {
  values: Record<string, unknown>[];
  x: string;
  xTitle: string;
  xScale?: Record<string, unknown>;
  y?: { field: string; title: string; domain?: [number, number]; type?: 'linear' | 'log' };
  series: string;
  seriesTitle: string;
  facet?: string;
  columns?: number;
  title: string;
  intervals?: boolean;
  interpolate?: string;
  /** Panels hold different series (e.g. optimizers split eight per panel): one colour scale and legend per panel. */
  independentColors?: boolean;
}): Record<string, unknown> {
  const y = options.y ?? { field: 'rate', title: 'rate (95% Wilson interval)', domain: [0, 1] as [number, number] };
  const x = { field: options.x, type: 'quantitative', title: options.xTitle, ...(options.xScale ? { scale: options.xScale } : {}) };
  const seriesOrder = [...new Set(options.values.map((v) => String(v[options.series])))];
  const color = {
    field: options.series,
    type: 'nominal',
    title: options.seriesTitle,
    sort: seriesOrder,
    scale: options.independentColors ? { range: PALETTE } : { domain: seriesOrder, range: PALETTE },
    legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, labelLimit: 240 },
  };
  const dash = {
    field: 'proposed',
    type: 'nominal',
    title: 'line',
    scale: { domain: [true, false], range: [[1, 0], [5, 3]] },
    // Said in the caption: a dash legend does not render its strokes.
    legend: null,
  };
  const width = { condition: { test: 'datum.proposed === true', value: 2.6 }, value: 1.4 };
  const yEnc = {
    field: y.field,
    type: 'quantitative',
    title: y.title,
    scale: { ...(y.domain ? { domain: y.domain } : {}), ...(y.type === 'log' ? { type: 'log' } : {}) },
  };
  const layers: Record<string, unknown>[] = [];
  if (options.intervals !== false) {
    layers.push({
      mark: { type: 'rule', opacity: 0.45, strokeWidth: 1 },
      encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' }, color },
    });
  }
  layers.push({
    mark: { type: 'line', point: { filled: true, size: 28 }, ...(options.interpolate ? { interpolate: options.interpolate } : {}) },
    encoding: { x, y: yEnc, color, strokeDash: dash, strokeWidth: width, detail: { field: options.series } },
  });
  const base = { $schema: SCHEMA, title: options.title, data: { values: options.values } };
  if (options.facet) {
    return {
      ...base,
      facet: { field: options.facet, type: 'nominal', title: null },
      columns: options.columns ?? 2,
      spec: { width: 250, height: 170, layer: layers },
      resolve: { scale: { color: options.independentColors ? 'independent' : 'shared' } },
    };
  }
  return { ...base, width: 520, height: 260, layer: layers };
}

/**
 * A dot plot of rates with interval rules: one panel per `facet` value, categories on the y axis,
 * colour and shape by family (the proposed methods in the first colour, filled).
 */
export function dotChart(options: {
  values: Record<string, unknown>[];
  category: string;
  categoryOrder: readonly string[];
  facet: string;
  columns?: number;
  title: string;
  xTitle: string;
  /** Colour and shape by this field over this domain (default: the method family, proposed first). */
  colorBy?: { readonly field: string; readonly title: string; readonly domain: readonly string[] };
}): Record<string, unknown> {
  const x = { field: 'rate', type: 'quantitative', title: options.xTitle, scale: { domain: [0, 1] } };
  const y = { field: options.category, type: 'nominal', title: null, sort: options.categoryOrder };
  const by = options.colorBy ?? { field: 'family', title: 'family', domain: ['proposed', 'control', 'fixed-p', 'plain', 'annealed'] };
  const colors = ['#D55E00', '#000000', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
  const shapes = ['diamond', 'square', 'circle', 'triangle-up', 'cross', 'triangle-down', 'stroke'];
  const color = { field: by.field, type: 'nominal', title: by.title, scale: { domain: by.domain, range: colors.slice(0, by.domain.length) } };
  const shape = { field: by.field, type: 'nominal', scale: { domain: by.domain, range: shapes.slice(0, by.domain.length) } };
  // Several colours per category: side by side within the category's band, so no interval hides another.
  const offset = options.colorBy ? { yOffset: { field: by.field, type: 'nominal', sort: by.domain } } : {};
  return {
    $schema: SCHEMA,
    title: options.title,
    data: { values: options.values },
    facet: { field: options.facet, type: 'nominal', title: null },
    columns: options.columns ?? 2,
    spec: {
      width: 230,
      height: { step: options.colorBy ? 15 : 13 },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.7 }, encoding: { y, ...offset, x: { field: 'lower', type: 'quantitative' }, x2: { field: 'upper' }, color } },
        { mark: { type: 'point', filled: true, size: 45, opacity: 1 }, encoding: { y, ...offset, x, color, shape } },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}
