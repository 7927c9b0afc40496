/**
 * The B.2a readings side by side on one CIFAR-10 grid (SPEC §7, issue 9): runs that differ only in
 * the reading (and what a reading fixes: the reference's clock and B.2b) are read back from their
 * committed report folders, and the page shows, per reading, the paired Table 1 comparisons
 * (paired.ts: differences over shared seeds, Student-t for the actual degrees of freedom, Holm over
 * λ), the index trajectory p(epoch), and the vanishing and zero-update fractions. Generated from the
 * logs; nothing typed.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { describeReading } from '../core/reading.ts';
import { renderFigure } from '../report/figures.ts';
import { table } from '../report/format.ts';
import { DISPLAY, lrLabel, normalizeQuantization, type OptimizerName } from './names.ts';
import { pairedComparisons, pairedWords, readReportRun, type PairedComparison } from './paired.ts';
import type { CellResult, Manifest } from './sweep.ts';

const QUANTIZED: readonly OptimizerName[] = ['qsgd', 'qtadam'];

export interface ReadingRun {
  readonly run: string;
  readonly reading: string;
  readonly clock: string;
  readonly b2b: boolean;
  readonly manifest: Manifest;
  readonly cells: CellResult[];
  readonly comparisons: PairedComparison[];
}

/** Each run's reading, its paired comparisons and its logs. The runs must share model, data, epochs, λ and seeds. */
export function readReadingRuns(reportParent: string, runs: readonly string[]): ReadingRun[] {
  const read = runs.map((run) => {
    const { manifest, cells } = readReportRun(join(reportParent, run));
    const q = normalizeQuantization(manifest.quantization);
    return { run, reading: describeReading(q.reading), clock: q.timeUnit, b2b: q.switches.bound, manifest, cells, comparisons: pairedComparisons(manifest, cells, 'test') };
  });
  const key = (m: Manifest) => JSON.stringify([m.model, m.trainSubset, m.testSubset, m.epochs, m.batch, m.lrs, m.seeds]);
  const mismatch = read.find((r) => key(r.manifest) !== key(read[0].manifest));
  if (mismatch) throw new Error(`run ${mismatch.run} is not the same grid as ${read[0].run} (model, data, epochs, batch, λ or seeds differ)`);
  return read;
}

/** Per epoch, per reading, optimizer and λ: the median over seeds of p, the vanishing and the zero-update fraction. */
function trajectoryRows(runs: readonly ReadingRun[]) {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  return runs.flatMap((r) =>
    QUANTIZED.flatMap((optimizer) =>
      r.manifest.lrs.flatMap((lr) => {
        const histories = r.cells.filter((c) => c.optimizer === optimizer && c.lr === lr && c.history.length > 0).map((c) => c.history);
        return Array.from({ length: r.manifest.epochs }, (_, i) => {
          const at = histories.filter((h) => h.length > i).map((h) => h[i]);
          if (at.length === 0) return [];
          const values = (f: (e: (typeof at)[number]) => number | null) => at.map(f).filter((x): x is number => x !== null);
          return [{
            reading: r.reading,
            optimizer: DISPLAY[optimizer],
            lr: `λ = ${lrLabel(lr)}`,
            epoch: i + 1,
            p: median(values((e) => e.pMaxTensor ?? e.p)),
            vanishing: median(values((e) => e.vanishingFraction)),
            zeroUpdates: median(values((e) => e.zeroUpdateFraction)),
          }];
        }).flat();
      }),
    ),
  );
}

function trajectorySpec(rows: ReturnType<typeof trajectoryRows>, field: 'p' | 'vanishing' | 'zeroUpdates', title: string, runs: readonly ReadingRun[]) {
  const lrs = runs[0].manifest.lrs.map((lr) => `λ = ${lrLabel(lr)}`);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows.filter((r) => Number.isFinite(r[field])) },
    facet: {
      row: { field: 'optimizer', type: 'nominal', title: null, sort: QUANTIZED.map((o) => DISPLAY[o]) },
      column: { field: 'lr', type: 'nominal', title: null, sort: lrs },
    },
    spec: {
      width: 180,
      height: 130,
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { values: Array.from({ length: runs[0].manifest.epochs }, (_, i) => i + 1), format: 'd' } },
        y: { field, type: 'quantitative', title, scale: field === 'p' ? { zero: false } : { domain: [0, 1] } },
        color: { field: 'reading', type: 'nominal', sort: runs.map((r) => r.reading), title: 'B.2a reading' },
        strokeDash: { field: 'reading', type: 'nominal', sort: runs.map((r) => r.reading), legend: null },
      },
    },
  };
}

/** Render reports/cifar10/<name>/: report.md, results.json, figures with their Vega-Lite specs. */
export async function renderReadingsReport(reportParent: string, runs: readonly string[], name: string): Promise<string> {
  const read = readReadingRuns(reportParent, runs);
  const dir = join(reportParent, name);
  const rows = trajectoryRows(read);
  const figures = [
    { file: 'index', spec: trajectorySpec(rows, 'p', 'index p', read), caption: 'The quantization index after each epoch (median over seeds; the largest over tensors)' },
    { file: 'vanishing', spec: trajectorySpec(rows, 'vanishing', 'vanished steps', read), caption: 'Share of steps in the epoch whose quantized step vanished at the index it met (B.2a then raised p, unless capped)' },
    { file: 'zero-updates', spec: trajectorySpec(rows, 'zeroUpdates', 'zero updates', read), caption: 'Share of per-weight updates that were exactly zero in the epoch' },
  ];
  for (const f of figures) {
    const { svg, png } = await renderFigure(f.spec);
    writeFileAtomic(join(dir, `${f.file}.svg`), svg);
    writeFileAtomic(join(dir, `${f.file}.png`), png);
    writeFileAtomic(join(dir, `${f.file}.vl.json`), `${JSON.stringify(f.spec, null, 2)}\n`);
  }
  const m = read[0].manifest;
  const averageOf = (r: ReadingRun, subject: OptimizerName) => r.comparisons.find((c) => c.subject === subject)?.average ?? null;
  // Per row (optimizer and λ): runs that reached the last epoch, out of the seeds planned.
  const finished = (r: ReadingRun, o: OptimizerName, lr: number) => r.cells.filter((c) => c.optimizer === o && c.lr === lr && c.history.length >= m.epochs).length;
  const planned = m.seeds.length;
  const verdicts = read.map((r) => {
    const words = QUANTIZED.map((o) => {
      const avg = averageOf(r, o);
      const base = o === 'qsgd' ? 'SGD' : 'ADAM';
      return avg ? `${DISPLAY[o]} − ${base} ${avg.mean >= 0 ? '+' : ''}${avg.mean.toFixed(2)} points (${avg.decision}, p ${avg.p.toPrecision(2)}, ${avg.seeds.length} seeds)` : `${DISPLAY[o]}: too few finished seeds`;
    });
    return `- **\`${r.reading}\`** (clock per ${r.clock}, B.2b ${r.b2b ? 'on' : 'off'}): ${words.join('; ')}.`;
  });
  const comparisonRows = read.flatMap((r) =>
    r.comparisons.flatMap((c) => [
      ...c.perLr.map((cell) => [`\`${r.reading}\``, `${DISPLAY[c.subject]} − ${DISPLAY[c.other]}`, `λ = ${lrLabel(cell.lr as number)}`, pairedWords(cell)]),
      ...(c.average ? [[`\`${r.reading}\``, `${DISPLAY[c.subject]} − ${DISPLAY[c.other]}`, 'mean over λ', pairedWords(c.average)]] : []),
    ]),
  );
  const finalRows = read.flatMap((r) =>
    QUANTIZED.flatMap((o) =>
      m.lrs.map((lr) => {
        const last = rows.filter((x) => x.reading === r.reading && x.optimizer === DISPLAY[o] && x.lr === `λ = ${lrLabel(lr)}`).at(-1);
        const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
        return [`\`${r.reading}\``, DISPLAY[o], lrLabel(lr), last ? String(last.p) : '—', pct(last?.vanishing), pct(last?.zeroUpdates), `${finished(r, o, lr)}/${planned}`];
      }),
    ),
  );
  const results = { runs: read.map(({ run, reading, clock, b2b, comparisons }) => ({ run, reading, clock, b2b, comparisons })), trajectories: rows };
  writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    `# The readings of B.2a on CIFAR-10: ${read.map((r) => `\`${r.reading}\``).join(', ')}`,
    '',
    `Test top-1 at the last epoch, the quantized optimizer minus its baseline, paired over shared seeds and averaged over λ ∈ {${m.lrs.map(lrLabel).join(', ')}} (baselines trained once and shared by every reading):`,
    '',
    ...verdicts,
    '',
    `Same grid for every reading: ${m.model}, the first ${m.trainSubset} training and ${m.testSubset} test images, ${m.epochs} epochs, batch ${m.batch}, seeds ${m.seeds.join(', ')}; runs ${read.map((r) => `[\`${r.run}\`](../${r.run}/report.md)`).join(', ')}. ` +
      'Readings (SPEC §7): `paper` = one index raised while the step of all weights is zero; `tensor` = one index, tensors in order, raised while the current tensor\'s step is zero; `reference` = the authors\' code (tensor order, `sum(dQ) == 0` test, p may reach p_max + 1, no B.2a on the first step, B.2b off, clock per step).',
    '',
    '## Paired comparisons',
    '',
    'Mean difference in points of test top-1 with its 95% interval from the Student-t critical value for the actual degrees of freedom (seeds − 1); per λ, Holm-adjusted over the λ of one pair; the "mean over λ" row pairs each seed\'s average over λ.',
    '',
    table(['reading', 'pair', 'λ', 'difference'], comparisonRows),
    '',
    '## Index, vanishing and zero updates',
    '',
    ...figures.flatMap((f) => [`![${f.caption}](${f.file}.png)`, '', `*${f.caption}* (Vega-Lite spec: \`${f.file}.vl.json\`).`, '']),
    table(['reading', 'optimizer', 'λ', 'final p (median)', 'vanishing steps, last epoch', 'zero updates, last epoch', 'finished runs'], finalRows),
    '',
    `Regenerate with \`npx qle cifar10-readings ${runs.join(' ')} --name ${name}\`; data in \`results.json\`.`,
    '',
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), md);
  return dir;
}
