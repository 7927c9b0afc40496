/** Markdown building blocks and the data-driven comparison words of the reports. */
import type { Interval } from '../core/stats.ts';

export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e5 || magnitude < 1e-3) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

export function rate(interval: Interval): string {
  return `${interval.estimate.toFixed(2)} [${interval.lower.toFixed(2)}, ${interval.upper.toFixed(2)}]`;
}

export function percent(x: number | null): string {
  return x === null ? '—' : `${(100 * x).toFixed(1)}%`;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "k of n" with the right plural-free phrasing. */
export function countOf(k: number, n: number): string {
  return `${k} of ${n}`;
}
