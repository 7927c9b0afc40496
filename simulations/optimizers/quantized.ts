/**
 * The base of every quantized optimizer: the quantized learning equation (SPEC §3 eq. 5, §7
 * Algorithm 1) over a population, one scheduler index per run. Conventional fixed-p quantization
 * and the proposed monotone schedule differ only in the Scheduler they hand in.
 *
 * With a noise σ > 0 the gradient first gets SGD's N(0, σ²) per-component noise (the paper's
 * setting: the quantized step of a stochastic gradient); without it the map is deterministic.
 */
import {
  makeDirection,
  makeStepScratch,
  quantizedPopulationStep,
  snapToGrid,
  type Direction,
  type DirectionKind,
  type StepScratch,
} from '../../src/core/learning.ts';
import type { QuantMode } from '../../src/core/quantizer.ts';
import type { Scheduler, ScheduleParams } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { PopulationOptimizer } from './optimizer.ts';

export class QuantizedOptimizer implements PopulationOptimizer {
  private readonly direction: Direction;
  private readonly h: Float64Array;
  private readonly scratch: StepScratch;

  constructor(
    private readonly population: Population,
    readonly scheduler: Scheduler,
    directionKind: DirectionKind,
    private readonly lambda: number,
    private readonly mode: QuantMode,
    readonly schedule?: ScheduleParams,
    private readonly noise = 0,
  ) {
    const n = population.w.length;
    this.direction = makeDirection(directionKind, n);
    // SGD's direction is the gradient itself: let it alias g and skip a copy.
    this.h = directionKind === 'sgd' ? population.g : new Float64Array(n);
    this.scratch = makeStepScratch(n);
    // Starts go on the initial grid G_{p0}, so that eq. 5 keeps every iterate on a grid (SPEC §3).
    snapToGrid(population.w, 0, n, scheduler, 0);
  }

  step(): void {
    const { population, h } = this;
    const g = population.gradient(this.lambda);
    // No noise (absent or 0) is the exact gradient: no draws, which would only add ±0 and cost time.
    if (this.noise > 0) population.addGradientNoise(this.noise);
    this.direction.compute(g, h);
    quantizedPopulationStep(population.w, h, population.runs, population.dims, this.lambda, this.mode, this.scheduler, this.scratch);
    this.scheduler.afterStep();
  }
}
