/**
 * What a study is: a deterministic list of cells built from options, and a renderer that turns
 * the cells' results into report sections and figures. A new study is one file plus one line in
 * ./index.ts.
 */
import type { CellConfig, CellResult } from '../cell.ts';
import type { Family, Summary } from './common.ts';
import { problemHyper, problemKey, type Problem } from '../hyper.ts';
import type { OptimizerSpec } from '../optimizers/optimizer.ts';
import { specFor } from '../roster.ts';

export interface StudyOptions {
  /** The large study (--full) instead of the default scale. */
  readonly full: boolean;
  readonly seed: number;
  /** Overrides of the scale's runs per cell and steps per run. */
  readonly runs?: number;
  readonly steps?: number;
  readonly delta: number;
  readonly epsilon: number;
  /** Restrict to these roster optimizers / objectives (validated by the CLI). */
  readonly optimizers?: readonly string[];
  readonly objectives?: readonly string[];
  /** Plug-in problems and optimizers (simulations/plugins.ts): studies add them after their own cells. */
  readonly plugins?: { readonly problems: readonly Problem[]; readonly optimizers: readonly string[] };
}

/** A study's own problems, then the plug-in problems, filtered by --objectives. */
export function problemsOf(own: readonly Problem[], options: StudyOptions): Problem[] {
  return [...own, ...(options.plugins?.problems ?? [])].filter((p) => !options.objectives || options.objectives.includes(p.objective));
}

export const DEFAULT_SEED = 20260601;
export const DEFAULT_DELTA = 0.1;
export const DEFAULT_EPSILON = 0.01;
/** f − f* targets of the hitting-time ECDFs and ERTs. */
export const TARGETS: readonly number[] = [10, 1, 0.1, 0.01];

export interface Scale {
  readonly runs: number;
  readonly steps: number;
}

/** A figure: a Vega-Lite spec, rendered to <name>.svg and <name>.png. */
export interface FigureSpec {
  readonly name: string;
  readonly caption: string;
  readonly spec: Record<string, unknown>;
}

export interface StudyRendering {
  /** The 3–5 line verdict the report opens with (generated from the numbers). */
  readonly verdict: readonly string[];
  /** Markdown sections after the common header. */
  readonly markdown: string;
  readonly figures: readonly FigureSpec[];
  /** Every paired comparison the sentences and the verdict rest on (results.json, the claims ledger). */
  readonly families: readonly Family[];
  /** The flat summary.csv; default one line per cell and horizon (common summaryOf). */
  readonly summary?: Summary;
}

export interface Study {
  readonly name: string;
  readonly title: string;
  /** The question the study answers, one paragraph. */
  readonly question: string;
  readonly scales: { readonly default: Scale; readonly full: Scale };
  /** Roster optimizers the study uses (for filters and validation). */
  readonly optimizers: readonly string[];
  cells(options: StudyOptions): CellConfig[];
  render(cells: readonly CellConfig[], results: readonly CellResult[]): StudyRendering;
}

/** The scales of the studies that run every cell for one evaluation budget. */
export const STANDARD_SCALES: Study['scales'] = { default: { runs: 100, steps: 10_000 }, full: { runs: 1000, steps: 100_000 } };

export function scaleOf(study: Study, options: StudyOptions): Scale {
  const base = options.full ? study.scales.full : study.scales.default;
  return { runs: options.runs ?? base.runs, steps: options.steps ?? base.steps };
}

/** Accumulates cells in order, numbering cells and problems. */
export class CellBuilder {
  readonly cells: CellConfig[] = [];
  private readonly problems = new Map<string, number>();

  constructor(private readonly study: string, private readonly options: StudyOptions, private readonly scale: Scale) {}

  /** Start seeds are shared by every cell of a problem and start box (common random numbers). */
  problemIndex(problem: Problem, startBox?: readonly [number, number]): number {
    const key = `${problemKey(problem)}${startBox ? `@${startBox.join(',')}` : ''}`;
    let index = this.problems.get(key);
    if (index === undefined) {
      index = this.problems.size;
      this.problems.set(key, index);
    }
    return index;
  }

  add(
    problem: Problem,
    optimizer: string,
    spec: OptimizerSpec,
    labels: Record<string, string | number> = {},
    overrides: Partial<Pick<CellConfig, 'steps' | 'tilt' | 'startBox' | 'horizons'>> = {},
  ): void {
    const steps = overrides.steps ?? this.scale.steps;
    const horizons = [...new Set([...(overrides.horizons ?? []).filter((h) => h < steps), steps])].sort((a, b) => a - b);
    this.cells.push({
      study: this.study,
      index: this.cells.length,
      problemIndex: this.problemIndex(problem, overrides.startBox),
      problem,
      optimizer,
      spec,
      runs: this.scale.runs,
      steps,
      seed: this.options.seed,
      delta: this.options.delta,
      epsilon: this.options.epsilon,
      targets: TARGETS,
      labels,
      ...(overrides.tilt !== undefined ? { tilt: overrides.tilt } : {}),
      ...(overrides.startBox !== undefined ? { startBox: overrides.startBox } : {}),
      horizons,
    });
  }

  /** A roster optimizer on a problem with the problem's stated hyperparameters. */
  addRoster(problem: Problem, optimizer: string, labels: Record<string, string | number> = {}, lambda?: number): void {
    const hyper = problemHyper(problem);
    const spec = specFor(optimizer, { ...hyper, lambda: lambda ?? hyper.lambda, steps: this.scale.steps });
    this.add(problem, optimizer, spec, labels);
  }
}

/** The filters of the options applied to a study's lists. */
export function selected<T extends string>(all: readonly T[], only: readonly string[] | undefined): T[] {
  return only ? all.filter((x) => only.includes(x)) : [...all];
}
