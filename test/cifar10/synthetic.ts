/** The manifest of a synthetic run, for tests that render or compare reports from hand-made logs (no training). */
import { ADAM_DEFAULTS } from '../../src/core/learning.ts';
import { DEFAULT_QUANTIZATION } from '../../src/tfjs/names.ts';
import type { Manifest } from '../../src/tfjs/sweep.ts';

/** MLP, all four optimizers, 3 seeds, 2 epochs on 1024/500 images; `overrides` change the rest. */
export function syntheticManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    run: 'synthetic',
    model: 'mlp',
    optimizers: ['adam', 'qtadam', 'sgd', 'qsgd'],
    lrs: [2 ** -6],
    seeds: [1, 2, 3],
    epochs: 2,
    batch: 128,
    trainSubset: 1024,
    testSubset: 500,
    shuffle: false,
    quantization: DEFAULT_QUANTIZATION,
    adam: ADAM_DEFAULTS,
    backend: 'cpu',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
