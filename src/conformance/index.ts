/**
 * `qle/conformance`: run qle's property suites against your own quantizer, scheduler, learning step
 * and ADAM direction, and get shrunk counterexamples back. The properties are the ones qle's own
 * tests run against its core (properties/*.props.ts): one definition, two users. Nothing is
 * printed; the report is data, and formatConformance turns it into text.
 *
 *     import { checkConformance, formatConformance } from 'qle/conformance';
 *     const report = checkConformance({ name: 'mine', quantizer: { quantize: myQuantize } });
 *     if (!report.passed) console.error(formatConformance(report));
 */
import fc from 'fast-check';
import type { AdamHyper } from '../core/learning.ts';
import type { Grid, QuantMode } from '../core/quantizer.ts';
import type { AlgorithmSwitches, ScheduleParams } from '../core/schedule.ts';
import {
  adamProperty,
  binaryLearningParamsArb,
  deviationProperty,
  learningParamsArb,
  onGridProperty,
  type LearningDomain,
} from '../../properties/learning.props.ts';
import { binaryGridParamsArb, gridParamsArb, nonBinaryGridParamsArb } from '../../properties/oracle.ts';
import {
  boundProperty,
  floorIdempotenceProperty,
  membershipProperty,
  monotonicityProperty,
  nestedGridProperty,
  rangeProperty,
  roundIdempotenceProperty,
  tieAsymmetryProperty,
  type QuantizerUnderTest,
} from '../../properties/quantizer.props.ts';
import {
  annealingAloneProperty,
  binaryScheduleParamsArb,
  monotoneProperty,
  scheduleParamsArb,
  supInfAloneProperty,
  supInfProperty,
  type IndexScheduleUnderTest,
  type LearnerSetup,
  type LearnerUnderTest,
} from '../../properties/scheduler.props.ts';

export type { AdamHyper, AlgorithmSwitches, IndexScheduleUnderTest, LearnerSetup, LearnerUnderTest, QuantMode, ScheduleParams };

/** The grid a quantizer is asked to quantize on: Q_p = η·b^p (SPEC §1), Q the double nearest to it. */
export interface GridInfo {
  readonly eta: number;
  readonly base: number;
  readonly p: number;
  readonly Q: number;
}

/** Your quantizer x ↦ x^Q (SPEC §1, eq. 1). */
export interface QuantizerImplementation {
  /** x^Q: the double nearest to k/Q_p with k = ⌊Q_p·x⌋ (floor) or ⌊Q_p·x + ½⌋ (round). */
  quantize(x: number, grid: GridInfo, mode: QuantMode): number;
  /** The grid integer k, if your implementation exposes it (otherwise it is read off x^Q). */
  index?(x: number, grid: GridInfo, mode: QuantMode): number;
  /**
   * 'throws' (default): inputs with |Q_p·x| ≥ 2^53 throw (any error), so that no inexact k is
   * returned silently; 'unchecked': your quantizer makes no claim there and the range is not tested.
   */
  readonly outOfRange?: 'throws' | 'unchecked';
}

/**
 * Your scheduler alone (SPEC §6, eqs. 10–12): the index under B.2b with no learning steps, for
 * hyperparameters `params`; p starts at p_0. `boundAt(t)` runs B.2b at time t,
 * p ← min(p_max, max(p, ⌈p_inf(t)⌉)); times only grow, in jumps up to 10^12.
 */
export type SchedulerImplementation = (params: ScheduleParams) => IndexScheduleUnderTest;

/**
 * Your learning step with its index state (SPEC §3 eq. 5, §7 Algorithm 1): a fresh learner for
 * `setup` (hyperparameters, switches B.2a/B.2b, mode, λ, number of weights), time per step from
 * t = 0 and p from p_0. `step(w, h)` applies w ← w + Q_p(−λ·h) in place with B.2a (all components
 * zero: raise p, up to p_max), then B.2b and t ← t + 1, and returns the index the step was
 * quantized with; `p` is the index the next step starts from. The kit starts w on G_{p_0}.
 */
export type LearnerImplementation = (setup: LearnerSetup) => LearnerUnderTest;

/** Your ADAM direction (SPEC §3, eq. 32): stateful over `size` entries; writes h into out. */
export type AdamImplementation = (size: number, hyper: AdamHyper) => { compute(gradient: Float64Array, out: Float64Array): void };

/** Your implementation: any of the parts, and what it supports. */
export interface Implementation {
  readonly name?: string;
  readonly quantizer?: QuantizerImplementation;
  readonly scheduler?: SchedulerImplementation;
  readonly learner?: LearnerImplementation;
  readonly adam?: AdamImplementation;
  /** The quantizer modes it implements (default both). */
  readonly modes?: readonly QuantMode[];
  /** 'binary': only the reference's grids η = 1, b = 2 (default 'any': integer η ≥ 1, b ≥ 2). */
  readonly grids?: 'any' | 'binary';
  /** The B.2a/B.2b combinations its learner supports (default all four). */
  readonly switches?: readonly AlgorithmSwitches[];
}

export type Part = 'quantizer' | 'scheduler' | 'learner' | 'adam';

export interface ConformanceOptions {
  /** fast-check seed (default 20261126, as qle's own suites). */
  readonly seed?: number;
  /** Runs per property (default 200). */
  readonly numRuns?: number;
  /** Only these property ids (default all that apply). */
  readonly only?: readonly string[];
}

export interface PropertyResult {
  readonly id: string;
  readonly part: Part;
  /** Where the claim lives in docs/SPEC.md (section and equation). */
  readonly spec: string;
  readonly claim: string;
  readonly passed: boolean;
  readonly numRuns: number;
  readonly numShrinks: number;
  readonly seed: number;
  /** fast-check's replay path of the shrunk counterexample. */
  readonly path?: string;
  /** The shrunk counterexample: the property's arguments. */
  readonly counterexample?: unknown[];
  /** The same, printed by fast-check. */
  readonly counterexampleText?: string;
  /** The first line of what failed. */
  readonly error?: string;
}

export interface ConformanceReport {
  readonly name: string;
  readonly passed: boolean;
  readonly seed: number;
  readonly results: readonly PropertyResult[];
  /** Properties that do not apply, and why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

interface Entry {
  readonly id: string;
  readonly part: Part;
  readonly spec: string;
  readonly claim: string;
  /** Why it does not apply, or the property to run. */
  readonly build: () => fc.IProperty<unknown[]> | string;
}

const ALL_SWITCHES: readonly AlgorithmSwitches[] = [
  { avoidVanishing: true, bound: true },
  { avoidVanishing: true, bound: false },
  { avoidVanishing: false, bound: true },
  { avoidVanishing: false, bound: false },
];

/** The user's quantizer behind the interface the property builders call. */
function quantizerUnderTest(name: string, impl: QuantizerImplementation, modes: readonly QuantMode[]): QuantizerUnderTest {
  // Users see only η, b, p and Q, never the core's internal grid fields.
  const infos = new WeakMap<Grid, GridInfo>();
  const info = (grid: Grid): GridInfo => {
    let found = infos.get(grid);
    if (!found) {
      found = Object.freeze({ eta: grid.eta, base: grid.base, p: grid.p, Q: grid.Q });
      infos.set(grid, found);
    }
    return found;
  };
  const index = impl.index;
  return {
    name,
    modes,
    quantize: (x, grid, mode) => impl.quantize(x, info(grid), mode),
    index: index ? (x, grid, mode) => index.call(impl, x, info(grid), mode) : undefined,
    rangeError: impl.outOfRange === 'unchecked' ? 'unchecked' : () => true,
  };
}

function entries(impl: Implementation): Entry[] {
  const name = impl.name ?? 'implementation';
  const modes = impl.modes ?? (['floor', 'round'] as const);
  const binary = impl.grids === 'binary';
  const has = (mode: QuantMode) => modes.includes(mode);
  const grids = binary ? binaryGridParamsArb : gridParamsArb;
  const list: Entry[] = [];

  const quantizer = impl.quantizer;
  if (quantizer) {
    const q = quantizerUnderTest(name, quantizer, modes);
    const inMode = (mode: QuantMode, build: () => fc.IProperty<unknown[]>) => () => (has(mode) ? build() : `mode ${mode} not implemented`);
    list.push(
      {
        id: 'quantizer.floor-bound',
        part: 'quantizer',
        spec: '§1 eq. 1',
        claim: 'floor: x − k/Q ∈ [0, 1/Q) exactly and x^Q is the double nearest to k/Q, any finite double',
        build: inMode('floor', () => boundProperty(q, 'floor', grids)),
      },
      {
        id: 'quantizer.round-bound',
        part: 'quantizer',
        spec: '§1 eq. 1',
        claim: 'round: k/Q − x ∈ (−1/(2Q), 1/(2Q)] exactly and x^Q is the double nearest to k/Q, any finite double',
        build: inMode('round', () => boundProperty(q, 'round', grids)),
      },
      {
        id: 'quantizer.range',
        part: 'quantizer',
        spec: '§1',
        claim: '|Q·x| ≥ 2^53 throws; inside the range never',
        build: () => (quantizer.outOfRange === 'unchecked' ? 'outOfRange is unchecked' : rangeProperty(q, grids)),
      },
      {
        id: 'quantizer.round-idempotent',
        part: 'quantizer',
        spec: '§1',
        claim: 'round: Q(Q(x)) = Q(x)',
        build: inMode('round', () => roundIdempotenceProperty(q, grids)),
      },
      {
        id: 'quantizer.floor-idempotent',
        part: 'quantizer',
        spec: '§1',
        claim: 'floor: Q(Q(x)) = Q(x) exactly when x^Q is not below k/Q (always on binary grids)',
        build: inMode('floor', () => floorIdempotenceProperty(q, grids)),
      },
      { id: 'quantizer.on-grid', part: 'quantizer', spec: '§1', claim: 'x^Q lies on G_p', build: () => membershipProperty(q, grids) },
      {
        id: 'quantizer.nested-grids',
        part: 'quantizer',
        spec: '§1',
        claim: 'G_p ⊂ G_{p+1}: x^Q is the point b·k of G_{p+1}',
        build: () => nestedGridProperty(q, grids),
      },
      { id: 'quantizer.monotone', part: 'quantizer', spec: '§1', claim: 'x ≤ y ⇒ Q(x) ≤ Q(y)', build: () => monotonicityProperty(q, grids) },
      {
        id: 'quantizer.tie-asymmetry',
        part: 'quantizer',
        spec: '§1',
        claim: 'round at ties: k(−x) = −k(x) + 1, so Q(−x) ≠ −Q(x)',
        build: inMode('round', () => tieAsymmetryProperty(q, grids)),
      },
    );
    // Where a float product lands next to a boundary: a naive ⌊Q·x⌋/Q is one cell off there.
    const near = binary ? binaryGridParamsArb : nonBinaryGridParamsArb;
    for (const mode of ['floor', 'round'] as const) {
      list.push({
        id: `quantizer.${mode}-cell-boundaries`,
        part: 'quantizer',
        spec: '§1 eq. 1',
        claim: `${mode}: the bound next to cell boundaries k/Q and round thresholds (k + ½)/Q${binary ? '' : ' on non-binary grids'}`,
        build: inMode(mode, () => boundProperty(q, mode, near, ['boundary', 'tie'])),
      });
    }
  }

  const params = binary ? binaryScheduleParamsArb : scheduleParamsArb;
  const scheduler = impl.scheduler;
  if (scheduler) {
    list.push(
      {
        id: 'scheduler.sup-inf',
        part: 'scheduler',
        spec: '§6 eq. 11',
        claim: 'p ≥ min(p_max, ⌈p_inf(t)⌉); where B.2b set p: p_inf ≤ p < p_inf + 1, T/b² < κ/Q² ≤ T',
        build: () => supInfAloneProperty(scheduler, params),
      },
      {
        id: 'scheduler.annealing',
        part: 'scheduler',
        spec: '§5 eq. 9, §6 eq. 12',
        claim: 'T_q(t)·ln(t+2) ≥ C/b² at every t, given T_q(p_0)·ln 2 ≥ C/b²',
        build: () => annealingAloneProperty(scheduler, true, params),
      },
    );
  }

  const learner = impl.learner;
  if (learner) {
    const switches = impl.switches ?? ALL_SWITCHES;
    const bounded = [...new Set(switches.filter((s) => s.bound).map((s) => s.avoidVanishing))];
    const domain: LearningDomain = {
      params: binary ? binaryLearningParamsArb : learningParamsArb,
      switches: fc.constantFrom(...switches),
      modes: fc.constantFrom(...modes),
    };
    const anySwitches = fc.constantFrom(...switches);
    list.push(
      {
        id: 'learner.monotone',
        part: 'learner',
        spec: '§6 eq. 10, §7',
        claim: 'Algorithm 1 never lowers p and never passes p_max',
        build: () => (has('round') ? monotoneProperty(learner, anySwitches, params) : 'the index properties step in round mode'),
      },
      {
        id: 'learner.sup-inf',
        part: 'learner',
        spec: '§6 eq. 11, §7',
        claim: 'where B.2b raised p after a step: p_inf ≤ p < p_inf + 1',
        build: () =>
          !has('round')
            ? 'the index properties step in round mode'
            : bounded.length === 0
              ? 'B.2b never on'
              : supInfProperty(learner, fc.constantFrom(...bounded), params),
      },
      {
        id: 'learner.on-grid',
        part: 'learner',
        spec: '§3 eq. 5',
        claim: 'from w_0 on G_{p(0)}, every iterate lies exactly on G_{p(t)}',
        build: () => onGridProperty(learner, domain),
      },
      {
        id: 'learner.deviation',
        part: 'learner',
        spec: '§3 eq. 5',
        claim: '|w^Q_t − w_t| ≤ Σ 1/(2Q_{p(s)}) (round; Σ 1/Q_{p(s)} floor) for steps given in advance, exactly',
        build: () => deviationProperty(learner, domain),
      },
    );
  }

  const adam = impl.adam;
  if (adam) {
    list.push({
      id: 'adam.closed-form',
      part: 'adam',
      spec: '§3 eq. 32',
      claim: "ADAM's first three directions equal their closed form (relative 1e-12)",
      build: () => adamProperty((size, hyper) => adamDirection(adam, size, hyper)),
    });
  }
  return list;
}

/** One ADAM direction object per run, as the property expects. */
function adamDirection(adam: AdamImplementation, size: number, hyper: AdamHyper) {
  const direction = adam(size, hyper);
  return { name: 'adam', compute: (g: Float64Array, out: Float64Array) => direction.compute(g, out) };
}

/** Every property id the kit knows, with its SPEC reference and claim. */
export function listProperties(): { id: string; part: Part; spec: string; claim: string }[] {
  const everything: Implementation = {
    quantizer: { quantize: () => 0 },
    scheduler: () => ({ p: 0, boundAt: () => undefined }),
    learner: () => ({ p: 0, step: () => 0 }),
    adam: () => ({ compute: () => undefined }),
  };
  return entries(everything).map(({ id, part, spec, claim }) => ({ id, part, spec, claim }));
}

function firstLine(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** Run every property that applies to the implementation; never throws for a failing property. */
export function checkConformance(impl: Implementation, options: ConformanceOptions = {}): ConformanceReport {
  const seed = options.seed ?? 20261126;
  const numRuns = options.numRuns ?? 200;
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new RangeError(`numRuns must be a positive integer, got ${numRuns}`);
  if (!impl.quantizer && !impl.scheduler && !impl.learner && !impl.adam)
    throw new TypeError('the implementation has none of quantizer, scheduler, learner, adam');
  const known = entries(impl);
  for (const id of options.only ?? []) {
    if (!known.some((e) => e.id === id)) throw new RangeError(`unknown property id ${JSON.stringify(id)}; known: ${known.map((e) => e.id).join(', ')}`);
  }
  const results: PropertyResult[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const entry of known) {
    if (options.only && !options.only.includes(entry.id)) continue;
    const property = entry.build();
    if (typeof property === 'string') {
      skipped.push({ id: entry.id, reason: property });
      continue;
    }
    const details = fc.check(property, { seed, numRuns });
    const { id, part, spec, claim } = entry;
    results.push({
      id,
      part,
      spec,
      claim,
      passed: !details.failed,
      numRuns: details.numRuns,
      numShrinks: details.numShrinks,
      seed: details.seed,
      ...(details.failed
        ? {
            path: details.counterexamplePath ?? undefined,
            counterexample: details.counterexample ?? undefined,
            counterexampleText: details.counterexample === null ? undefined : fc.stringify(details.counterexample),
            error: firstLine(details.errorInstance) ?? 'the property returned false',
          }
        : {}),
    });
  }
  return { name: impl.name ?? 'implementation', passed: results.every((r) => r.passed), seed, results, skipped };
}

/** The report as text: one line per property, the shrunk counterexample under each failure. */
export function formatConformance(report: ConformanceReport): string {
  const lines = [`qle conformance of ${report.name} (seed ${report.seed}): ${report.passed ? 'conforms' : 'DOES NOT CONFORM'}`];
  for (const r of report.results) {
    lines.push(`  ${r.passed ? 'ok  ' : 'FAIL'} ${r.id} (${r.spec}): ${r.claim}`);
    if (!r.passed) {
      lines.push(`       counterexample: ${r.counterexampleText ?? '(none)'}`);
      lines.push(`       failure: ${r.error}`);
      lines.push(`       after ${r.numRuns} runs and ${r.numShrinks} shrinks; replay: seed ${r.seed}, path "${r.path}"`);
    }
  }
  for (const s of report.skipped) lines.push(`  skip ${s.id}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Like checkConformance, but throws an Error whose message is the formatted report when anything fails (for test suites). */
export function assertConformance(impl: Implementation, options: ConformanceOptions = {}): ConformanceReport {
  const report = checkConformance(impl, options);
  if (!report.passed) throw new Error(formatConformance(report));
  return report;
}
