/**
 * Which TensorFlow.js runs the CIFAR-10 experiment. `auto` tries, in order:
 *   tensorflow — @tensorflow/tfjs-node (native; an optional peer dependency that does not install everywhere);
 *   wasm       — @tensorflow/tfjs-backend-wasm (optional peer dependency, a dev dependency here;
 *                XNNPACK, SIMD; its .wasm files load from node_modules, nothing is downloaded)
 *                plus qle's kernels in ./kernels, which give it the convolution gradients a
 *                ResNet needs at a usable speed;
 *   cpu        — tfjs's pure-JS backend (./tf.ts, always there, ~0.1 ResNet-32 images/s).
 * `--backend` / QLE_TFJS_BACKEND force one; a forced backend that does not load is an error.
 * All register with the same tfjs-core engine, so the rest of src/tfjs imports the API from ./tf.ts.
 */
import * as tf from './tf.ts';
import { BACKEND_CHOICES, BackendChoiceError, backendChoice, type BackendChoice } from './names.ts';

export type Tf = typeof tf;
export { BACKEND_CHOICES, BackendChoiceError, backendChoice, type BackendChoice };

export interface LoadedBackend {
  readonly tf: Tf;
  /** tfjs's name of the backend in use: 'tensorflow', 'wasm' or 'cpu'. */
  readonly backend: string;
  /** Why the faster backends were not used, when `auto` ended on a slower one. */
  readonly fallbackReason?: string;
}

/** Measured on this project's 2-core machine, one process (npm run bench:cifar, reports/cifar10/bench.md). */
export const CPU_SPEED_NOTE =
  'measured here: ~100-270 training images/s for the 3072-256-10 MLP, ~0.5 for ResNet-8 and ~0.1 for ResNet-32 (forward+backward, one process; the wasm backend trains ResNet-32 ~200x faster)';

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Try one backend; the reason it failed, or undefined when it is now the active backend. */
async function tryNative(): Promise<string | undefined> {
  try {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    // tfjs-node registers its 'tensorflow' backend with the shared tfjs-core engine.
    const nativeName = '@tensorflow/tfjs-node';
    await import(nativeName);
    if (await tf.setBackend('tensorflow')) return undefined;
    return '@tensorflow/tfjs-node loaded but its backend did not initialise';
  } catch (error) {
    return `@tensorflow/tfjs-node did not load (${firstLine(error)})`;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return '@tensorflow/tfjs-backend-wasm did not initialise';
    const { registerWasmTrainingKernels } = await import('./kernels/register.ts');
    registerWasmTrainingKernels();
    return undefined;
  } catch (error) {
    return `@tensorflow/tfjs-backend-wasm did not load (${firstLine(error)})`;
  }
}

const ATTEMPTS: Record<Exclude<BackendChoice, 'auto' | 'cpu'>, () => Promise<string | undefined>> = { tensorflow: tryNative, wasm: tryWasm };

async function load(choice: BackendChoice): Promise<LoadedBackend> {
  // PROD silences tfjs's console banners (e.g. "use tfjs-node"): loadTf prints the one warning.
  tf.env().set('PROD', true);
  const order: Exclude<BackendChoice, 'auto' | 'cpu'>[] = choice === 'auto' ? ['tensorflow', 'wasm'] : choice === 'cpu' ? [] : [choice];
  const reasons: string[] = [];
  for (const name of order) {
    const reason = await ATTEMPTS[name]();
    if (reason === undefined) {
      await tf.ready();
      return { tf, backend: tf.getBackend(), ...(reasons.length > 0 ? { fallbackReason: reasons.join('; ') } : {}) };
    }
    if (choice !== 'auto') throw new BackendChoiceError(`backend ${name} is not available: ${reason}`);
    reasons.push(reason);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, backend: tf.getBackend(), fallbackReason: choice === 'cpu' ? 'chosen explicitly' : reasons.join('; ') };
}

const loaded = new Map<BackendChoice, Promise<LoadedBackend>>();
let warned = false;

/**
 * Make the chosen backend the active one (loading it once per process) and return it. On the cpu
 * backend, warn once on stderr (unless quiet), naming the expected speed.
 */
export async function loadTf(options: { backend?: BackendChoice; quiet?: boolean } = {}): Promise<LoadedBackend> {
  const choice = backendChoice(options.backend);
  let pending = loaded.get(choice);
  if (!pending) {
    pending = load(choice);
    loaded.set(choice, pending);
  }
  const result = await pending;
  // Another choice may have switched the engine since: make this one active again.
  if (tf.getBackend() !== result.backend) await tf.setBackend(result.backend);
  if (result.backend === 'cpu' && !warned && !options.quiet) {
    warned = true;
    process.stderr.write(`qle: warning: using the tfjs cpu backend (${result.fallbackReason}); ${CPU_SPEED_NOTE}\n`);
  }
  return result;
}
