/**
 * The mirror image f̃(w) = f(−w) of an objective: the control for the floor quantizer, whose
 * residue r ∈ [0, 1/Q) biases every step towards −∞ (SPEC §1–§2: mean 1/(2Q)). On an objective
 * whose global minimum lies towards −w (the tilted double well) that bias alone can look like a
 * better optimizer; on the mirror image it points the other way.
 */
import type { Objective } from './objective.ts';

export function mirrorObjective(objective: Objective): Objective {
  const d = objective.dims;
  const scratch = new Float64Array(d);
  const negate = (w: Float64Array, offset: number) => {
    for (let i = 0; i < d; i++) scratch[i] = -w[offset + i];
    return scratch;
  };
  const basin = objective.globalBasin;
  return {
    name: `${objective.name} (mirrored)`,
    dims: d,
    lower: -objective.upper,
    upper: -objective.lower,
    minimum: objective.minimum,
    minimisers: objective.minimisers.map((m) => Float64Array.from(m, (x) => -x)),
    ...(objective.barrier !== undefined ? { barrier: objective.barrier } : {}),
    ...(basin ? { globalBasin: (w: Float64Array, offset: number) => basin.call(objective, negate(w, offset), 0) } : {}),
    value(w, offset) {
      return objective.value(negate(w, offset), 0);
    },
    gradient(w, offset, g, gOffset) {
      objective.gradient(negate(w, offset), 0, g, gOffset);
      for (let i = 0; i < d; i++) g[gOffset + i] = -g[gOffset + i];
    },
  };
}
