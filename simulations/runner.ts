/**
 * Runs one cell: builds the population and the optimizer, steps it `steps` times, and measures
 * hits, hitting times, global-basin occupancy and first passage, and (for quantized optimizers)
 * the index, temperature, vanishing and annealing-bound diagnostics along the way.
 */
import { createDoubleWell, createObjective, inGlobalBasin, mirrorObjective } from '../src/core/objectives/index.ts';
import { distanceToMinimiser, type Objective } from '../src/core/objectives/objective.ts';
import { makeGrid } from '../src/core/quantizer.ts';
import { annealingMargin, logarithmicFloor, quantizationTemperature } from '../src/core/schedule.ts';
import { expectedRunningTime, hittingEcdf, wilsonInterval } from '../src/core/stats.ts';
import type { BasinResult, CellConfig, CellResult, HorizonIndicators, QuantizationTrace, Spread } from './cell.ts';
import { checkpointsFor, median, spread } from './metrics.ts';
import { createOptimizer, type PopulationOptimizer } from './optimizers/index.ts';
import { Population, studySeeds } from './population.ts';

export function objectiveOf(cell: Pick<CellConfig, 'problem' | 'tilt'>): Objective {
  const base =
    cell.problem.objective === 'double-well' && cell.tilt !== undefined
      ? createDoubleWell(cell.tilt)
      : createObjective(cell.problem.objective, cell.problem.dims);
  return cell.problem.mirrored ? mirrorObjective(base) : base;
}

/**
 * Global-basin bookkeeping of a population: membership at the start and at the horizons (closed
 * form or quench), and, where the objective has a closed form (cheap), occupancy at every
 * checkpoint and the first passage checked after every step.
 */
class BasinWatch {
  readonly closedForm: boolean;
  readonly start: string;
  readonly horizons: HorizonIndicators[] = [];
  readonly series: number[] = [];
  private readonly firstPassage: Float64Array;
  private passed = 0;

  constructor(private readonly population: Population, private readonly delta: number) {
    const { objective, runs, w, dims } = population;
    this.closedForm = objective.globalBasin !== undefined;
    this.firstPassage = new Float64Array(runs).fill(-1);
    let start = '';
    for (let r = 0; r < runs; r++) {
      const inside = inGlobalBasin(objective, w, r * dims);
      start += inside ? '1' : '0';
      if (inside) {
        this.firstPassage[r] = 0;
        this.passed++;
      }
    }
    this.start = start;
  }

  /** After the step that made `evaluations` evaluations: first passages (closed form only). */
  afterStep(evaluations: number): void {
    if (!this.closedForm || this.passed === this.population.runs) return;
    const { objective, runs, w, dims, diverged } = this.population;
    for (let r = 0; r < runs; r++) {
      if (this.firstPassage[r] < 0 && diverged[r] === 0 && objective.globalBasin!(w, r * dims)) {
        this.firstPassage[r] = evaluations;
        this.passed++;
      }
    }
  }

  /** Occupancy at a checkpoint (closed form only). */
  checkpoint(): void {
    if (!this.closedForm) return;
    const { objective, runs, w, dims, diverged } = this.population;
    let inside = 0;
    for (let r = 0; r < runs; r++) if (diverged[r] === 0 && objective.globalBasin!(w, r * dims)) inside++;
    this.series.push(inside);
  }

  /** Per-run basin and δ indicators at a horizon. */
  horizon(t: number): void {
    const { objective, runs, w, dims, diverged } = this.population;
    let basin = '';
    let delta = '';
    for (let r = 0; r < runs; r++) {
      const live = diverged[r] === 0;
      basin += live && inGlobalBasin(objective, w, r * dims) ? '1' : '0';
      delta += live && distanceToMinimiser(objective, w, r * dims) < this.delta ? '1' : '0';
    }
    this.horizons.push({ t, basin, delta });
  }

  result(): BasinResult {
    return {
      decidedBy: this.closedForm ? 'closed-form' : 'quench',
      start: this.start,
      horizons: this.horizons,
      series: this.closedForm ? this.series : null,
      firstPassage: this.closedForm ? Array.from(this.firstPassage, (t) => (t < 0 ? null : t)) : null,
    };
  }
}

/** Counts run-steps in the vanishing regime and (proposed optimizers) with the annealing bound broken. */
class QuantizationWatch {
  vanishedSteps = 0;
  brokenSteps = 0;
  readonly brokenRun: Uint8Array;
  readonly p: Spread[] = [];
  readonly Q: number[] = [];
  readonly Tq: number[] = [];
  readonly floor: number[] = [];

  /** Per step: −1 unknown, else whether index p_0 + slot breaks the bound. */
  private readonly marginStep: Int8Array;

  constructor(private readonly optimizer: PopulationOptimizer, private readonly runs: number) {
    this.brokenRun = new Uint8Array(runs);
    const schedule = optimizer.schedule;
    this.marginStep = new Int8Array(schedule ? schedule.pMax - schedule.p0 + 1 : 0);
  }

  /** After the quantized step of time t (before the next one): vanished flags and the margin of the p used. */
  afterStep(t: number): void {
    const learner = this.optimizer.learner!;
    this.vanishedSteps += learner.report.vanishedRuns;
    const schedule = this.optimizer.schedule;
    if (!schedule) return;
    // The step at time t was quantized with the index p as it stands now (after any B.2a raise);
    // the scheduler has not ticked yet. The margin depends on p only through T_q, so it is
    // computed once per distinct p per step (core annealingMargin), cached by p − p_0.
    const p = learner.scheduler!.indices;
    const p0 = schedule.p0;
    this.marginStep.fill(-1);
    for (let r = 0; r < this.runs; r++) {
      const slot = p[r] - p0;
      let broken = this.marginStep[slot];
      if (broken < 0) {
        broken = annealingMargin(p[r], t, schedule) < 1 ? 1 : 0;
        this.marginStep[slot] = broken;
      }
      if (broken === 1) {
        this.brokenSteps += 1;
        this.brokenRun[r] = 1;
      }
    }
  }

  /** Summaries at a checkpoint after `evaluations` steps (the index the next step will use). */
  observe(evaluations: number): void {
    const scheduler = this.optimizer.learner!.scheduler!;
    const schedule = this.optimizer.schedule ?? scheduler.params;
    const pSpread = spread(scheduler.indices)!;
    this.p.push(pSpread);
    const pMedian = Math.round(median(scheduler.indices));
    this.Q.push(makeGrid(schedule.eta, schedule.base, pMedian).Q);
    this.Tq.push(quantizationTemperature(pMedian, schedule));
    if (this.optimizer.schedule) this.floor.push(logarithmicFloor(evaluations, this.optimizer.schedule.C));
  }

  result(runs: number, steps: number): QuantizationTrace {
    const proposed = this.optimizer.schedule !== undefined;
    let runsBroken = 0;
    for (const b of this.brokenRun) runsBroken += b;
    return {
      vanishedSteps: this.vanishedSteps,
      vanishedFraction: this.vanishedSteps / (runs * steps),
      brokenSteps: proposed ? this.brokenSteps : null,
      brokenFraction: proposed ? this.brokenSteps / (runs * steps) : null,
      runsBroken: proposed ? runsBroken : null,
      p: this.p,
      Q: this.Q,
      Tq: this.Tq,
      floor: proposed ? this.floor : null,
    };
  }
}

export function runCell(cell: CellConfig): CellResult {
  const objective = objectiveOf(cell);
  const { runs, steps, delta, epsilon, targets } = cell;
  const population = new Population(objective, runs, studySeeds(cell.seed, cell.problemIndex, cell.index), cell.startBox);
  const basin = new BasinWatch(population, delta);
  const horizons = new Set(cell.horizons ?? [steps]);
  const optimizer = createOptimizer(cell.spec, population);
  const watch = optimizer.learner ? new QuantizationWatch(optimizer, runs) : null;
  const checkpoints = checkpointsFor(steps);
  const hittingTimes = targets.map(() => new Float64Array(runs).fill(Infinity));
  const seriesDelta: number[] = [];
  const seriesEpsilon: number[] = [];
  const temperature: number[] = [];
  const { w, dims, diverged } = population;
  const gaps = new Float64Array(runs);

  let next = 0;
  for (let t = 0; t < steps; t++) {
    optimizer.step(t);
    watch?.afterStep(t);
    const evaluations = t + 1;
    basin.afterStep(evaluations);
    if (horizons.has(evaluations)) basin.horizon(evaluations);
    if (evaluations !== checkpoints[next]) continue;
    basin.checkpoint();
    next += 1;
    let withinDelta = 0;
    let withinEpsilon = 0;
    for (let r = 0; r < runs; r++) {
      if (diverged[r] || population.guard(r)) {
        gaps[r] = Infinity;
        continue;
      }
      const gap = objective.value(w, r * dims) - objective.minimum;
      gaps[r] = gap;
      if (distanceToMinimiser(objective, w, r * dims) < delta) withinDelta++;
      if (gap < epsilon) withinEpsilon++;
      for (let k = 0; k < targets.length; k++) {
        if (gap < targets[k] && hittingTimes[k][r] === Infinity) hittingTimes[k][r] = evaluations;
      }
    }
    seriesDelta.push(withinDelta);
    seriesEpsilon.push(withinEpsilon);
    if (optimizer.targetTemperature) temperature.push(optimizer.targetTemperature(t));
    watch?.observe(evaluations);
  }

  const hitsDelta = seriesDelta[seriesDelta.length - 1];
  const hitsEpsilon = seriesEpsilon[seriesEpsilon.length - 1];
  const finiteGaps = Array.from(gaps).filter((g) => Number.isFinite(g));
  let exact = 0;
  for (let r = 0; r < runs; r++) if (!diverged[r] && distanceToMinimiser(objective, w, r * dims) === 0) exact++;
  const basinResult = basin.result();
  const last = basinResult.horizons.find((h) => h.t === steps);
  if (!last) throw new RangeError(`cell horizons must include the last step ${steps}`);
  const hitsBasin = last.basin.split('').filter((c) => c === '1').length;
  return {
    evaluationsPerRun: population.evaluations,
    diverged: population.divergedCount,
    final: {
      hitsDelta,
      hitsEpsilon,
      exact,
      rateDelta: wilsonInterval(hitsDelta, runs),
      rateEpsilon: wilsonInterval(hitsEpsilon, runs),
      hitsBasin,
      rateBasin: wilsonInterval(hitsBasin, runs),
      gap: spread(finiteGaps),
    },
    checkpoints,
    seriesDelta,
    seriesEpsilon,
    targets: targets.map((target, k) => {
      const times = hittingTimes[k];
      const ert = expectedRunningTime(times, steps);
      let hits = 0;
      for (const time of times) if (Number.isFinite(time)) hits++;
      return { epsilon: target, hits, ert: Number.isFinite(ert) ? ert : null, ecdf: hittingEcdf(times, checkpoints) };
    }),
    temperature: optimizer.targetTemperature ? temperature : null,
    quantization: watch ? watch.result(runs, steps) : null,
    basin: basinResult,
  };
}
