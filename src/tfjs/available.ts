/**
 * TensorFlow.js is an optional peer dependency of qle: the core, the checker and the simulations
 * install and run without it, and `qle cifar10` says what to install instead of failing on an import.
 */
import { createRequire } from 'node:module';

/** What src/tfjs/tf.ts imports (the @tensorflow/tfjs umbrella brings all three as well). */
export const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu'] as const;

/** The TensorFlow.js packages that cannot be resolved from qle's own location. */
export function missingTfjsPackages(): string[] {
  const require = createRequire(import.meta.url);
  return TFJS_PACKAGES.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}
