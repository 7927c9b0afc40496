/**
 * The base of every quantized optimizer: the core Learner (Algorithm 1, SPEC §3 eq. 5, §7) over a
 * population, a batch of runs each with its own index. Conventional fixed-p quantization and the
 * proposed monotone schedule differ only in the QuantizationConfig they hand in.
 *
 * With a noise σ > 0 the gradient first gets SGD's N(0, σ²) per-component noise (the paper's
 * setting: the quantized step of a stochastic gradient); without it the map is deterministic.
 */
import { Learner, vectorLayout, type QuantizationConfig } from '../../src/core/learner.ts';
import type { DirectionKind } from '../../src/core/learning.ts';
import type { ScheduleParams } from '../../src/core/schedule.ts';
import type { Population } from '../population.ts';
import type { PopulationOptimizer } from './optimizer.ts';

export class QuantizedOptimizer implements PopulationOptimizer {
  readonly learner: Learner;

  constructor(
    private readonly population: Population,
    quantization: QuantizationConfig,
    direction: DirectionKind,
    learningRate: number,
    readonly schedule?: ScheduleParams,
    private readonly noise = 0,
  ) {
    this.learner = new Learner({ direction, learningRate, quantization, tensors: vectorLayout(population.dims), runs: population.runs });
    this.learner.prepare(population.w);
  }

  step(): void {
    const { population } = this;
    const g = population.gradient(this.learner.learningRate);
    // No noise (absent or 0) is the exact gradient: no draws, which would only add ±0 and cost time.
    if (this.noise > 0) population.addGradientNoise(this.noise);
    this.learner.step(population.w, g);
  }
}
