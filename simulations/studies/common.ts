/** Pieces the study renderers share: per-cell lookup, detail tables, pairwise tallies, figure specs. */
import type { CellConfig, CellResult } from '../cell.ts';
import { problemKey } from '../hyper.ts';
import { compareIntervals, countOf, num, percent, rate, table, type Order } from '../../src/report/format.ts';

export interface Row {
  readonly cell: CellConfig;
  readonly result: CellResult;
}

export function rows(cells: readonly CellConfig[], results: readonly CellResult[]): Row[] {
  return cells.map((cell, i) => ({ cell, result: results[i] }));
}

export function problemLabel(cell: CellConfig): string {
  return `${cell.problem.objective} d=${cell.problem.dims}`;
}

export function uniqueProblems(all: readonly Row[]): string[] {
  return [...new Set(all.map((r) => problemKey(r.cell.problem)))];
}

/** One row per cell: hit rates, final gap, ERT per target and the quantization diagnostics. */
export function detailTable(all: readonly Row[], first: (row: Row) => string, firstHeader: string): string {
  const targets = all[0]?.cell.targets ?? [];
  const headers = [
    firstHeader,
    'δ-hit rate [95% CI]',
    'ε-hit rate [95% CI]',
    'median f − f*',
    'exactly on minimiser',
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
      rate(result.final.rateDelta),
      rate(result.final.rateEpsilon),
      num(result.final.gap?.median ?? null),
      String(result.final.exact),
      ...result.targets.map((t) => (t.ert === null ? '∞' : num(t.ert))),
      String(result.diverged),
      q ? percent(q.vanishedFraction) : '—',
      q ? percent(q.brokenFraction) : '—',
      q ? String(q.p[q.p.length - 1].median) : '—',
    ];
  });
  return table(headers, body);
}

export interface Tally {
  readonly above: string[];
  readonly below: string[];
  readonly overlap: string[];
}

/** Where subject's δ-hit interval lies relative to other's, over the given groups. */
export function tally(pairs: readonly { group: string; subject: Row; other: Row }[]): Tally {
  const out: Record<Order, string[]> = { above: [], below: [], overlap: [] };
  for (const { group, subject, other } of pairs) {
    out[compareIntervals(subject.result.final.rateDelta, other.result.final.rateDelta)].push(group);
  }
  return out;
}

export function tallySentence(subject: string, other: string, t: Tally): string {
  const n = t.above.length + t.below.length + t.overlap.length;
  const list = (xs: string[]) => (xs.length ? ` (${xs.join(', ')})` : '');
  return (
    `${subject} against ${other}, δ-hit rate: higher on ${countOf(t.above.length, n)}${list(t.above)}, ` +
    `lower on ${countOf(t.below.length, n)}${list(t.below)}, ` +
    `indistinguishable (overlapping 95% intervals) on ${countOf(t.overlap.length, n)}.`
  );
}

/**
 * A quantized optimizer on SGD's noisy gradient against `sgd` itself at the same σ: the tally, and
 * what it says about quantizing the step, whichever way the intervals fall.
 */
export function sameNoiseSentence(subject: string, t: Tally): string {
  const up = t.above.length > 0;
  const down = t.below.length > 0;
  const effect =
    up && !down
      ? 'raised the δ-hit rate where the intervals separate and lowered it nowhere'
      : down && !up
        ? 'lowered the δ-hit rate where the intervals separate and raised it nowhere'
        : up && down
          ? 'raised the δ-hit rate in some settings and lowered it in others'
          : 'made no detectable difference to the δ-hit rate';
  return `${tallySentence(subject, 'sgd at the same gradient noise σ', t)} So quantizing the noisy SGD step (as ${subject} does) ${effect}.`;
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

/** A Wilson-interval point chart: x = category, y = rate with error bars, optional color and facet. */
export function rateChart(options: {
  values: Record<string, unknown>[];
  x: string;
  xTitle: string;
  color?: string;
  facet?: string;
  columns?: number;
  xType?: 'nominal' | 'quantitative' | 'ordinal';
  xScale?: Record<string, unknown>;
  title: string;
}): Record<string, unknown> {
  const xType = options.xType ?? 'nominal';
  const encodingX = { field: options.x, type: xType, title: options.xTitle, ...(options.xScale ? { scale: options.xScale } : {}) };
  const color = options.color ? { color: { field: options.color, type: 'nominal' } } : {};
  const layer = {
    layer: [
      {
        mark: { type: 'rule' },
        encoding: { x: encodingX, y: { field: 'lower', type: 'quantitative', title: 'hit rate (95% Wilson CI)', scale: { domain: [0, 1] } }, y2: { field: 'upper' }, ...color },
      },
      {
        mark: { type: xType === 'nominal' ? 'point' : 'line', point: xType !== 'nominal', filled: true },
        encoding: { x: encodingX, y: { field: 'rate', type: 'quantitative' }, ...color },
      },
    ],
  };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: options.title, data: { values: options.values } };
  if (options.facet) {
    return {
      ...base,
      facet: { field: options.facet, type: 'nominal', title: null },
      columns: options.columns ?? 3,
      spec: { width: 220, height: 160, ...layer },
      resolve: { scale: { x: 'independent' } },
    };
  }
  return { ...base, width: 520, height: 260, ...layer };
}

/**
 * Cells where at least half the runs ended exactly on a global minimiser (distance 0 in floating
 * point). A quantized iterate can land on the minimiser's lattice point and stop there (every later
 * step vanishes) when the minimiser is a grid point: a property of the grid and the objective (e.g.
 * Rastrigin's cosine has period 1, so on the integer grid G_0 its gradient is the convex 2x), not of
 * annealing.
 */
export function exactLandingSentences(all: readonly Row[], label: (row: Row) => string): string[] {
  const exact = all.filter((r) => 2 * r.result.final.exact >= r.cell.runs);
  if (exact.length === 0) return [];
  return [
    `In ${exact.length} cell(s) at least half the runs ended exactly on a global minimiser (distance 0 in floating point): ` +
      `${exact.map((r) => `${label(r)} (${r.result.final.exact} of ${r.cell.runs})`).join(', ')}. A quantized iterate can land on the ` +
      'lattice point of a minimiser that is a grid point and stop there (every later step vanishes); on Rastrigin the cosine has ' +
      'period 1, so on the integer grid of p = 0 its gradient is the convex 2x: read these cells as grid effects, not as annealing.',
  ];
}
