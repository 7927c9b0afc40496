/**
 * A plug-in optimizer for `qle report --optimizer-module examples/plugins/optimizer.ts`:
 * heavy-ball momentum, v ← μv − λ∇f(w), w ← w + v, with μ = 0.9 and the problem's stated λ.
 *
 * The interface is OptimizerPlugin (simulations/optimizers/plugin.ts): `create(population, hyper)`
 * returns a stepper whose `step(t)` advances every run by one step costing one gradient
 * evaluation. `population.gradient(λ)` evaluates ∇f for every live run (and freezes runs that
 * diverge); `population.w` holds the iterates, runs × dims, run-major. Noise, if any, must come
 * from `population.rngs[r]` so that a seed reproduces a run.
 */
import type { OptimizerPlugin } from '../../simulations/optimizers/plugin.ts';

export const MOMENTUM = 0.9;

const heavyBall: OptimizerPlugin = {
  name: 'heavy-ball',
  description: `heavy-ball momentum, μ = ${MOMENTUM}`,
  create(population, { lambda }) {
    const velocity = new Float64Array(population.w.length);
    return {
      step() {
        const g = population.gradient(lambda);
        const w = population.w;
        for (let i = 0; i < w.length; i++) {
          velocity[i] = MOMENTUM * velocity[i] - lambda * g[i];
          w[i] += velocity[i];
        }
      },
    };
  },
};

export default heavyBall;
