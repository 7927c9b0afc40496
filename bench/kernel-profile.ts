/**
 * Where a training step spends its CPU time, per kernel: every kernel registered for the backend
 * is wrapped (for the duration of one call of `run`) with a process CPU-time counter. CPU time,
 * unlike tf.profile's wall-clock kernel times, is not inflated by other jobs on a shared machine.
 * Kernels that call other kernels directly (qle's wasm kernels do) count as one.
 */
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '../src/tfjs/tf.ts';

export interface KernelTime {
  readonly kernel: string;
  readonly cpuMs: number;
  readonly calls: number;
  /** Share of the CPU time of the whole run (kernels and everything between them). */
  readonly share: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function profileKernels(backendName: string, run: () => void): { kernels: KernelTime[]; totalCpuMs: number } {
  const originals: KernelConfig[] = getKernelsForBackend(backendName).map((k) => ({ ...k }));
  const totals = new Map<string, { cpuMs: number; calls: number }>();
  for (const config of originals) {
    const inner = config.kernelFunc;
    const wrapped: KernelFunc = (args) => {
      const started = cpuMs();
      try {
        return inner(args);
      } finally {
        const entry = totals.get(config.kernelName) ?? { cpuMs: 0, calls: 0 };
        entry.cpuMs += cpuMs() - started;
        entry.calls++;
        totals.set(config.kernelName, entry);
      }
    };
    unregisterKernel(config.kernelName, backendName);
    registerKernel({ ...config, kernelFunc: wrapped });
  }
  const started = cpuMs();
  try {
    run();
  } finally {
    for (const config of originals) {
      unregisterKernel(config.kernelName, backendName);
      registerKernel(config);
    }
  }
  const totalCpuMs = cpuMs() - started;
  const kernels = [...totals.entries()]
    .map(([kernel, t]) => ({ kernel, cpuMs: t.cpuMs, calls: t.calls, share: t.cpuMs / totalCpuMs }))
    .sort((a, b) => b.cpuMs - a.cpuMs);
  return { kernels, totalCpuMs };
}
