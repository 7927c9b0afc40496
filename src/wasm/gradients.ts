/**
 * Population gradients of the built-in objectives on the wasm kernels (assembly/gradients.ts), then
 * the divergence guard, in one call: the same bits as Objective.gradient run by run followed by the
 * JS guard of simulations/population.ts. Objectives without a kernel descriptor (user-supplied ones)
 * have no kernel: their population keeps calling gradient().
 */
import type { Objective } from '../core/objectives/objective.ts';
import type { Kernels } from './kernels.ts';

/** Arrays of a population (all in the kernels' memory). */
export interface PopulationArrays {
  readonly w: Float64Array;
  readonly g: Float64Array;
  readonly diverged: Uint8Array;
}

/** Computes g for every run (zero for diverged ones), freezes runs that left the box or step too far; returns how many it froze. */
export type PopulationGradient = (low: number, high: number, limit: number, divergedBefore: number) => number;

export function populationGradient(kernels: Kernels, objective: Objective, runs: number, arrays: PopulationArrays): PopulationGradient | null {
  const descriptor = objective.kernel;
  if (!descriptor) return null;
  const dims = objective.dims;
  const n = runs * dims;
  const w = kernels.address(arrays.w);
  const g = kernels.address(arrays.g);
  const diverged = kernels.address(arrays.diverged);
  if (w < 0 || g < 0 || diverged < 0) throw new Error("populationGradient: the arrays must live in the kernels' memory");
  const x = kernels.exports;
  let compute: () => void;
  switch (descriptor.name) {
    case 'rastrigin':
      compute = () => x.rastrigin(w, g, n);
      break;
    case 'styblinski-tang':
      compute = () => x.styblinskiTang(w, g, n);
      break;
    case 'double-well': {
      const tilt = descriptor.parameter as number;
      compute = () => x.doubleWell(w, g, n, tilt);
      break;
    }
    case 'six-hump-camel':
      if (dims !== 2) throw new Error(`six-hump camel kernel needs d = 2, got ${dims}`);
      compute = () => x.sixHumpCamel(w, g, runs);
      break;
    case 'ackley':
      compute = () => x.ackley(w, g, runs, dims);
      break;
    case 'griewank': {
      const scratch = kernels.float64(3 * dims);
      const at = kernels.address(scratch);
      compute = () => {
        // The closure holds the scratch view, so its block lives as long as the gradient does.
        void scratch.length;
        x.griewank(w, g, runs, dims, at);
      };
      break;
    }
  }
  return (low, high, limit, divergedBefore) => {
    compute();
    return x.guard(w, g, diverged, runs, dims, low, high, limit, divergedBefore > 0 ? 1 : 0);
  };
}
