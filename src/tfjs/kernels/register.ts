/**
 * The kernels that let @tensorflow/tfjs-backend-wasm train a convolutional network fast: the
 * filter gradient it lacks, and replacements for its scalar-loop input gradient and its Tile.
 * Register them after importing the wasm backend; restoreShipped puts a shipped kernel back (or
 * leaves none, for Conv2DBackpropFilter), which the tests use to show each one matters.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '../tf.ts';
import { batchNormTrainingConfig, batchNormTrainingGradConfig } from './batch-norm-training.ts';
import { broadcastTileConfig } from './broadcast-tile.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { leadingMeanConfig, leadingSumConfig } from './leading-reduce.ts';
import { sharedIdentityConfig } from './shared-identity.ts';
import { captureShipped, shippedConfig } from './wasm-calls.ts';

export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  broadcastTileConfig,
  leadingSumConfig,
  leadingMeanConfig,
  sharedIdentityConfig,
  batchNormTrainingConfig,
  batchNormTrainingGradConfig,
];

/** Shipped kernels ours call or replace. */
const SHIPPED_USED = ['Conv2D', 'Transpose', 'Slice', 'Tile', 'Conv2DBackpropInput', 'Sum', 'Mean', 'Identity'] as const;

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
  // Keep the shipped kernel's setup (it binds the C++ function ours falls back to) in case the
  // backend initialises after this registration.
  const shipped = (SHIPPED_USED as readonly string[]).includes(config.kernelName) ? shippedConfig(config.kernelName) : undefined;
  registerKernel(shipped?.setupFunc ? { ...config, setupFunc: shipped.setupFunc } : config);
}

/** Register (or re-register) our kernels on the wasm backend. Idempotent. */
export function registerWasmTrainingKernels(): void {
  captureShipped(SHIPPED_USED);
  for (const config of WASM_TRAINING_KERNELS) replace(config);
  const missing = missingTrainingKernels();
  if (missing.length > 0) throw new Error(`wasm kernels not registered: ${missing.join(', ')}`);
}

/** Is our kernel `name` the one tfjs runs on wasm? */
export function isOursRegistered(name: string): boolean {
  const ours = WASM_TRAINING_KERNELS.find((k) => k.kernelName === name);
  return ours !== undefined && getKernel(name, 'wasm')?.kernelFunc === ours.kernelFunc;
}

/** Our kernels that are not the ones registered on wasm (empty when registration is complete). */
export function missingTrainingKernels(): string[] {
  return WASM_TRAINING_KERNELS.map((k) => k.kernelName).filter((name) => !isOursRegistered(name));
}

/** Undo one of ours: the shipped kernel comes back, or none when the wasm build has none. */
export function restoreShipped(name: string): void {
  if (getKernel(name, 'wasm')) unregisterKernel(name, 'wasm');
  if ((SHIPPED_USED as readonly string[]).includes(name)) registerKernel(shippedConfig(name));
}
