/**
 * The named optimizers of the studies and how each becomes a spec on a problem, from the stated
 * hyperparameter rules (./hyper.ts). One line per optimizer.
 */
import { REFERENCE_SCHEDULE } from '../src/core/schedule.ts';
import { sgdNoise } from './hyper.ts';
import type { OptimizerSpec } from './optimizers/optimizer.ts';

/** What a spec needs besides the optimizer's name. */
export interface SpecInputs {
  readonly lambda: number;
  readonly c: number;
  readonly proposal: number;
  readonly steps: number;
}

/** Fixed indices of the conventional quantized baselines: cells of 1/16, 1/256, 1/4096. */
export const FIXED_P = [4, 8, 12] as const;

const R = REFERENCE_SCHEDULE;

function proposed(direction: 'sgd' | 'adam', kappa: 'reference' | 'langevin', C: number, lambda: number): OptimizerSpec {
  return {
    kind: 'proposed',
    direction,
    lambda,
    kappa,
    C,
    beta: R.beta,
    p0: R.p0,
    pMax: R.pMax,
    avoidVanishing: true,
    bound: true,
    mode: 'round',
  };
}

interface RosterEntry {
  readonly description: string;
  readonly spec: (inputs: SpecInputs) => OptimizerSpec;
}

const fixed = (direction: 'sgd' | 'adam', p: number): RosterEntry => ({
  description: `conventional quantized ${direction === 'sgd' ? 'SGD' : 'ADAM'}, p fixed at ${p} (cell 2^-${p})`,
  spec: ({ lambda }) => ({ kind: 'fixed-quantized', direction, lambda, p, mode: 'round' }),
});

export const ROSTER: ReadonlyMap<string, RosterEntry> = new Map<string, RosterEntry>([
  ['gd', { description: 'gradient descent', spec: ({ lambda }) => ({ kind: 'gd', lambda }) }],
  [
    'sgd',
    {
      description: 'SGD: gradient + N(0, σ²) noise at the final Langevin temperature',
      spec: ({ lambda, c, steps }) => ({ kind: 'sgd', lambda, noise: sgdNoise(lambda, c, steps) }),
    },
  ],
  ['adam', { description: 'ADAM (β1 0.9, β2 0.999, ε 1e-8)', spec: ({ lambda }) => ({ kind: 'adam', lambda }) }],
  ...FIXED_P.map((p) => [`qsgd-p${p}`, fixed('sgd', p)] as const),
  ...FIXED_P.map((p) => [`qadam-p${p}`, fixed('adam', p)] as const),
  [
    'qsgd-ref',
    {
      description: 'proposed QSGD, reference κ = 64/24 and C = 1e-6 (SPEC §6)',
      spec: ({ lambda }) => proposed('sgd', 'reference', R.C, lambda),
    },
  ],
  [
    'qtadam-ref',
    {
      description: 'proposed QtADAM, reference κ = 64/24 and C = 1e-6 (SPEC §6)',
      spec: ({ lambda }) => proposed('adam', 'reference', R.C, lambda),
    },
  ],
  [
    'qsgd-lgv',
    {
      description: 'proposed QSGD, Langevin κ = 1/(24λ), C = c (the annealed peers\' c)',
      spec: ({ lambda, c }) => proposed('sgd', 'langevin', c, lambda),
    },
  ],
  [
    'qtadam-lgv',
    {
      description: 'proposed QtADAM, Langevin κ = 1/(24λ), C = c',
      spec: ({ lambda, c }) => proposed('adam', 'langevin', c, lambda),
    },
  ],
  [
    'langevin',
    {
      description: 'annealed Langevin, Euler–Maruyama dt = λ, T = c/ln(λt + 2)',
      spec: ({ lambda, c }) => ({ kind: 'langevin', lambda, c }),
    },
  ],
  [
    'sa',
    {
      description: 'simulated annealing (Metropolis), T = c/ln(t + 2), one f-evaluation per step',
      spec: ({ c, proposal }) => ({ kind: 'annealing', c, proposal }),
    },
  ],
]);

export const OPTIMIZER_NAMES: readonly string[] = [...ROSTER.keys()];

export function specFor(name: string, inputs: SpecInputs): OptimizerSpec {
  const entry = ROSTER.get(name);
  if (!entry) throw new RangeError(`unknown optimizer ${JSON.stringify(name)}; known: ${OPTIMIZER_NAMES.join(', ')}`);
  return entry.spec(inputs);
}
