/** Observation points and small summaries used by the runner. */
import type { Spread } from './cell.ts';

/** 1, 2, …, about ten per decade (round(10^(k/10)), deduplicated) up to steps, and steps itself. */
export function checkpointsFor(steps: number): number[] {
  const points = new Set<number>();
  for (let k = 0; ; k++) {
    const t = Math.round(10 ** (k / 10));
    if (t > steps) break;
    points.add(t);
  }
  points.add(steps);
  return [...points].sort((a, b) => a - b);
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

export function spread(values: ArrayLike<number>): Spread | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return {
    min: sorted[0],
    q25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1],
  };
}

export function median(values: ArrayLike<number>): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}
