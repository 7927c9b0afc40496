/**
 * Which TensorFlow.js runs the CIFAR-10 experiment: @tensorflow/tfjs-node (native, an optional
 * peer dependency) when it loads, otherwise tfjs-core's pure-JS cpu backend (./tf.ts). Both
 * register with the same tfjs-core engine, so the rest of src/tfjs imports the API from ./tf.ts.
 */
import * as tf from './tf.ts';

export type Tf = typeof tf;

export interface LoadedBackend {
  readonly tf: Tf;
  /** 'tensorflow' (tfjs-node) or 'cpu'. */
  readonly backend: string;
  /** Why tfjs-node was not used, when it was not. */
  readonly fallbackReason?: string;
}

/** Measured on this project's 2-core machine, one process (npm run bench:cifar, reports/cifar10/bench-cpu.md). */
export const CPU_SPEED_NOTE =
  'measured here: ~130-270 training images/s for the 3072-256-10 MLP, ~0.5 for ResNet-8 and ~0.1 for ResNet-32 (forward+backward, one process)';

let loaded: Promise<LoadedBackend> | undefined;
let warned = false;

async function load(preferNative: boolean): Promise<LoadedBackend> {
  let reason = 'disabled by QLE_TFJS_BACKEND=cpu';
  if (preferNative) {
    try {
      // A variable specifier keeps TypeScript from requiring the optional package's types.
      // tfjs-node registers its 'tensorflow' backend with the shared tfjs-core engine.
      const nativeName = '@tensorflow/tfjs-node';
      await import(nativeName);
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return { tf, backend: tf.getBackend() };
      }
      reason = '@tensorflow/tfjs-node loaded but its backend did not initialise';
    } catch (error) {
      reason = `@tensorflow/tfjs-node did not load (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`;
    }
  }
  // PROD silences tfjs's own console banner about tfjs-node: loadTf prints the one warning.
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: tf.getBackend(), fallbackReason: reason };
}

/**
 * Load tfjs once per process. With the cpu fallback, warn once on stderr (unless quiet), naming
 * the expected speed. QLE_TFJS_BACKEND=cpu skips the native attempt.
 */
export async function loadTf(options: { quiet?: boolean } = {}): Promise<LoadedBackend> {
  loaded ??= load(process.env.QLE_TFJS_BACKEND !== 'cpu');
  const result = await loaded;
  if (result.fallbackReason && !warned && !options.quiet) {
    warned = true;
    process.stderr.write(`qle: warning: using the tfjs cpu backend: ${result.fallbackReason}; ${CPU_SPEED_NOTE}\n`);
  }
  return result;
}
