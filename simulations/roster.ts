/**
 * The named optimizers of the studies and how each becomes a spec on a problem, from the stated
 * hyperparameter rules (./hyper.ts). One line per optimizer.
 */
import { REFERENCE_SCHEDULE } from '../src/core/schedule.ts';
import { sgdNoise } from './hyper.ts';
import type { OptimizerSpec } from './optimizers/optimizer.ts';
import { pluginSpec } from './optimizers/plugin.ts';

/** What a spec needs besides the optimizer's name. */
export interface SpecInputs {
  readonly lambda: number;
  readonly c: number;
  readonly proposal: number;
  readonly steps: number;
}

/** Fixed indices of the conventional quantized baselines: cells of 1/16, 1/256, 1/4096. */
export const FIXED_P = [4, 8, 12] as const;
/**
 * The control's index: cells of 2^-30, far below any step λ·∇f of the studies, so that the
 * noiseless quantized equation from GD's starts must coincide with GD (a check of the design).
 */
export const CONTROL_P = 30;
export const CONTROL = `qsgd-p${CONTROL_P}`;

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
      description: 'SGD: gradient + N(0, σ²) noise, constant temperature λσ²/2 = T_end = c/ln(N + 2) (the annealed methods\' final temperature)',
      spec: ({ lambda, c, steps }) => ({ kind: 'sgd', lambda, noise: sgdNoise(lambda, c, steps) }),
    },
  ],
  ['adam', { description: 'ADAM (β1 0.9, β2 0.999, ε 1e-8)', spec: ({ lambda }) => ({ kind: 'adam', lambda }) }],
  ...FIXED_P.map((p) => [`qsgd-p${p}`, fixed('sgd', p)] as const),
  ...FIXED_P.map((p) => [`qadam-p${p}`, fixed('adam', p)] as const),
  [
    CONTROL,
    {
      description: `control: conventional quantized SGD, p fixed at ${CONTROL_P} (cell 2^-${CONTROL_P}), exact gradient — a noiseless quantized method on a grid so fine that from the same starts it must end where GD ends`,
      spec: ({ lambda }) => ({ kind: 'fixed-quantized', direction: 'sgd', lambda, p: CONTROL_P, mode: 'round' }),
    },
  ],
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
      description: 'proposed QSGD, Langevin κ = 1/(24λ), C = c (the annealed peers\' c), exact gradient',
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
    'qsgd-p8-noise',
    {
      description: 'conventional quantized SGD, p fixed at 8, on SGD\'s noisy gradient (exact gradient + N(0, σ²), σ as for sgd)',
      spec: ({ lambda, c, steps }) => ({ kind: 'fixed-quantized', direction: 'sgd', lambda, p: 8, mode: 'round', noise: sgdNoise(lambda, c, steps) }),
    },
  ],
  [
    'qsgd-ref-noise',
    {
      description: 'proposed QSGD as qsgd-ref (reference κ, C = 1e-6) on SGD\'s noisy gradient (exact gradient + N(0, σ²), σ as for sgd)',
      spec: ({ lambda, c, steps }) => ({ ...proposed('sgd', 'reference', R.C, lambda), noise: sgdNoise(lambda, c, steps) }),
    },
  ],
  [
    'qsgd-lgv-noise',
    {
      description: 'proposed QSGD as qsgd-lgv (Langevin κ, C = c) on SGD\'s noisy gradient (exact gradient + N(0, σ²), σ as for sgd)',
      spec: ({ lambda, c, steps }) => ({ ...proposed('sgd', 'langevin', c, lambda), noise: sgdNoise(lambda, c, steps) }),
    },
  ],
  [
    'langevin',
    {
      description: 'annealed Langevin, Euler–Maruyama dt = λ, T = c/ln(t + 2) on the shared clock (t = evaluations)',
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

/**
 * The quantized optimizers on SGD's noisy gradient (the paper's setting: QSGD quantizes a
 * stochastic-gradient step), σ = sgdNoise as for `sgd`; every other quantized optimizer uses the
 * exact gradient. Named by the suffix, checked against the specs by the driver tests.
 */
export const NOISY_QUANTIZED: readonly string[] = OPTIMIZER_NAMES.filter((name) => name.endsWith('-noise'));

/** True for a quantized spec that adds SGD's gradient noise. */
export function quantizesNoisyGradient(spec: OptimizerSpec): boolean {
  return (spec.kind === 'proposed' || spec.kind === 'fixed-quantized') && (spec.noise ?? 0) > 0;
}

export function specFor(name: string, inputs: SpecInputs): OptimizerSpec {
  const entry = ROSTER.get(name);
  // A loaded plug-in (qle report --optimizer-module) gets the same stated hyperparameters.
  const plugin = entry ? undefined : pluginSpec(name, inputs);
  if (plugin) return plugin;
  if (!entry) throw new RangeError(`unknown optimizer ${JSON.stringify(name)}; known: ${OPTIMIZER_NAMES.join(', ')}`);
  return entry.spec(inputs);
}
