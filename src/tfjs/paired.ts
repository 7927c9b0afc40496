/**
 * Table 1's comparisons (SPEC §8: QtADAM against ADAM, QSGD against SGD) as paired differences:
 * the cells of one learning rate share their seeds (same initial weights, same data order), so the
 * difference is taken seed by seed and judged with the Student-t critical value for the actual
 * degrees of freedom (n − 1: 4.30 with three seeds, not "2 standard errors"). Holm adjusts the
 * per-learning-rate tests of one pair together; the average over learning rates is one more paired
 * test (per seed, the mean over learning rates of the difference). Pure: reads logs, no tfjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, holmAdjust, pairedDifference, type Decision } from '../core/stats.ts';
import { cellName, type OptimizerName } from './names.ts';
import type { CellResult, Manifest } from './sweep.ts';
import type { EpochRecord } from './train.ts';

/** The quantized optimizer and its baseline, Table 1's two comparisons. */
export const TABLE1_PAIRS: readonly (readonly [OptimizerName, OptimizerName])[] = [
  ['qtadam', 'adam'],
  ['qsgd', 'sgd'],
];

export type Metric = 'test' | 'train';

export interface PairedCell {
  /** The learning rate, or null for the average over the run's learning rates. */
  readonly lr: number | null;
  /** Seeds with a finished run on both sides. */
  readonly seeds: readonly number[];
  /** Mean over seeds of subject − other, in points of top-1 accuracy. */
  readonly mean: number;
  readonly se: number;
  readonly df: number;
  /** t_{0.975, df}. */
  readonly critical: number;
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
  /** Holm-adjusted over the learning rates of the pair (equal to p for the average). */
  readonly pHolm: number;
  readonly decision: Decision;
}

export interface PairedComparison {
  readonly subject: OptimizerName;
  readonly other: OptimizerName;
  readonly metric: Metric;
  readonly perLr: readonly PairedCell[];
  readonly average: PairedCell | null;
}

/** A run is finished when it ran every epoch or stopped diverged. */
function finished(history: readonly EpochRecord[], epochs: number): boolean {
  return history.length >= epochs || (history.length > 0 && history[history.length - 1].diverged);
}

/** Final-epoch top-1 in percent of every finished run, keyed optimizer|lr|seed. */
export function finalAccuracies(manifest: Manifest, cells: readonly CellResult[], metric: Metric): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cells) {
    if (!finished(c.history, manifest.epochs)) continue;
    const last = c.history[c.history.length - 1];
    out.set(`${c.optimizer}|${c.lr}|${c.seed}`, 100 * (metric === 'test' ? last.testAccuracy : last.trainAccuracy));
  }
  return out;
}

function cell(lr: number | null, seeds: number[], a: number[], b: number[]): Omit<PairedCell, 'pHolm' | 'decision'> | null {
  if (seeds.length < 2) return null;
  const r = pairedDifference(a, b);
  return { lr, seeds, mean: r.mean, se: r.se, df: r.df, critical: r.critical, lower: r.lower, upper: r.upper, p: r.pValue };
}

/** Paired comparisons of each Table 1 pair present in the run, per learning rate and averaged. */
export function pairedComparisons(manifest: Manifest, cells: readonly CellResult[], metric: Metric = 'test'): PairedComparison[] {
  const finals = finalAccuracies(manifest, cells, metric);
  const get = (o: OptimizerName, lr: number, seed: number) => finals.get(`${o}|${lr}|${seed}`);
  const out: PairedComparison[] = [];
  for (const [subject, other] of TABLE1_PAIRS) {
    if (!manifest.optimizers.includes(subject) || !manifest.optimizers.includes(other)) continue;
    const raw = manifest.lrs.flatMap((lr) => {
      const seeds = manifest.seeds.filter((s) => get(subject, lr, s) !== undefined && get(other, lr, s) !== undefined);
      const c = cell(
        lr,
        seeds,
        seeds.map((s) => get(subject, lr, s)!),
        seeds.map((s) => get(other, lr, s)!),
      );
      return c ? [c] : [];
    });
    const adjusted = holmAdjust(raw.map((c) => c.p));
    const perLr = raw.map((c, i) => ({ ...c, pHolm: adjusted[i], decision: decide(c.mean, adjusted[i]) }));
    // The average: per seed, the mean over learning rates of the difference (seeds finished at every λ on both sides).
    const seeds = manifest.seeds.filter((s) => manifest.lrs.every((lr) => get(subject, lr, s) !== undefined && get(other, lr, s) !== undefined));
    const meanOver = (o: OptimizerName, s: number) => manifest.lrs.reduce((sum, lr) => sum + get(o, lr, s)!, 0) / manifest.lrs.length;
    const avg = cell(
      null,
      seeds,
      seeds.map((s) => meanOver(subject, s)),
      seeds.map((s) => meanOver(other, s)),
    );
    out.push({ subject, other, metric, perLr, average: avg ? { ...avg, pHolm: avg.p, decision: decide(avg.mean, avg.p) } : null });
  }
  return out;
}

/** "+1.23 points [−0.40, 2.86] (t_2 = 4.30, p_Holm 0.21): indistinguishable". */
export function pairedWords(c: PairedCell): string {
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  return `${signed(c.mean)} points [${signed(c.lower)}, ${signed(c.upper)}] over ${c.seeds.length} shared seeds (t_${c.df} = ${c.critical.toFixed(2)}, p${c.lr === null ? '' : '_Holm'} ${c.pHolm.toPrecision(2)}): ${c.decision}`;
}

/** A committed report directory (reports/cifar10/<run>/: manifest.json and logs/*.jsonl), read back without tfjs. */
export function readReportRun(dir: string): { manifest: Manifest; cells: CellResult[] } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const cells = manifest.optimizers.flatMap((optimizer) =>
    manifest.lrs.flatMap((lr) =>
      manifest.seeds.map((seed) => {
        const path = join(dir, 'logs', `${cellName(optimizer, lr, seed)}.jsonl`);
        const history = existsSync(path)
          ? readFileSync(path, 'utf8')
              .split('\n')
              .filter((line) => line.trim() !== '')
              .map((line) => JSON.parse(line) as EpochRecord)
          : [];
        return { optimizer, lr, seed, history };
      }),
    ),
  );
  return { manifest, cells };
}
