/**
 * reports/cifar10/<run>/: Table 1's layout (learning rate × ADAM, QtADAM, SGD, QSGD, train/test
 * top-1) with the paper's numbers side by side, mean ± standard deviation over seeds, the
 * quantization diagnostics, learning curves (SVG + PNG) and generated sentences on what the run
 * does and does not show. Everything is computed from the run's JSONL logs; nothing is typed in.
 */
import { describeReading } from '../core/reading.ts';
import { DISPLAY, normalizeQuantization } from './names.ts';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { meanVariance, studentTQuantile } from '../core/stats.ts';
import { pairedComparisons, pairedWords, type PairedComparison } from './paired.ts';
import { annealingMargin, withKappa } from '../core/schedule.ts';
import { renderFigure } from '../report/figures.ts';
import { table } from '../report/format.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { makeDirectory } from '../io/paths.ts';
import { TEST_COUNT, TRAIN_COUNT } from './data.ts';
import { MLP_HIDDEN, RESNET_DEPTH_N, type ModelName } from './models.ts';
import type { OptimizerName } from './optimizers.ts';
import { loadPaperTable1, paperCell, type PaperTable1 } from './paper-table1.ts';
import { backendsOf, cellName, commandFor, lrLabel, readSweep, reusedMarker, runDirectory, type CellResult, type Manifest } from './sweep.ts';
import type { EpochRecord } from './train.ts';

/** Table 1's column order. */
const COLUMNS: OptimizerName[] = ['adam', 'qtadam', 'sgd', 'qsgd'];

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation over seeds (0 for one run). */
  readonly sd: number;
}

export interface CellSummary {
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly runs: number;
  readonly finishedRuns: number;
  readonly diverged: number;
  /** Final-epoch top-1 in percent. */
  readonly train: Summary;
  readonly test: Summary;
  readonly finalP: number[] | null;
  /** Largest per-tensor index at the end (equal to finalP with one global index). */
  readonly finalPMax: number[] | null;
  readonly vanishingFraction: number | null;
  readonly zeroUpdateFraction: number | null;
  readonly raises: number | null;
  /** SPEC §5: T_q(t)·ln(t+2)/(C/b²) at the end of each run, with the (largest) index and the time of its last step (≥ 1: the condition holds). */
  readonly annealingMargin: number[] | null;
  readonly seconds: number;
}

function summarize(values: number[]): Summary {
  if (values.length === 0) return { n: 0, mean: NaN, sd: NaN };
  const { mean, variance } = meanVariance(values);
  return { n: values.length, mean, sd: values.length > 1 ? Math.sqrt(variance) : 0 };
}

const last = (h: EpochRecord[]) => h[h.length - 1];
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function summarizeCells(manifest: Manifest, cells: CellResult[]): CellSummary[] {
  const out: CellSummary[] = [];
  for (const optimizer of manifest.optimizers) {
    for (const lr of manifest.lrs) {
      const runs = cells.filter((c) => c.optimizer === optimizer && c.lr === lr);
      const done = runs.filter((c) => c.history.length >= manifest.epochs || (c.history.length > 0 && last(c.history).diverged));
      const finals = done.map((c) => last(c.history));
      const records = done.flatMap((c) => c.history);
      const quantized = records.some((r) => r.p !== null);
      out.push({
        optimizer,
        lr,
        runs: runs.length,
        finishedRuns: done.length,
        diverged: finals.filter((r) => r.diverged).length,
        train: summarize(finals.map((r) => 100 * r.trainAccuracy)),
        test: summarize(finals.map((r) => 100 * r.testAccuracy)),
        finalP: quantized ? finals.map((r) => r.p as number) : null,
        finalPMax: quantized ? finals.map((r) => (r.pMaxTensor ?? r.p) as number) : null,
        vanishingFraction: quantized ? mean(records.map((r) => r.vanishingFraction as number)) : null,
        zeroUpdateFraction: quantized ? mean(records.map((r) => r.zeroUpdateFraction as number)) : null,
        raises: quantized ? records.reduce((s, r) => s + (r.raises ?? 0), 0) / Math.max(1, done.length) : null,
        annealingMargin: quantized ? finals.map((r) => endMargin(manifest, lr, r)) : null,
        seconds: runs.flatMap((c) => c.history).reduce((s, r) => s + r.seconds, 0),
      });
    }
  }
  return out;
}

/** The annealing margin of SPEC §5 for the index a run ended with, at the scheduler time of its last step. */
function endMargin(manifest: Manifest, lr: number, record: EpochRecord): number {
  const q = normalizeQuantization(manifest.quantization);
  const params = withKappa(q.schedule, q.kappa, lr);
  // The finest index (largest p) has the lowest temperature: per-tensor runs are judged by it.
  return annealingMargin((record.pMaxTensor ?? record.p) as number, Math.max(0, (record.t as number) - 1), params);
}

const fmt = (s: Summary) => (s.n === 0 ? '—' : `${s.mean.toFixed(2)} ± ${s.sd.toFixed(2)}`);
/** Percent with one decimal, two when it would otherwise round to 100.0% or 0.0% without being it. */
const pct = (x: number | null) => {
  if (x === null || Number.isNaN(x)) return '—';
  const digits = (x > 0.999 && x < 1) || (x > 0 && x < 0.001) ? 3 : 1;
  return `${(100 * x).toFixed(digits)}%`;
};

export function modelDescription(model: ModelName): string {
  return model === 'mlp' ? `MLP 3072-${MLP_HIDDEN}-10 (ReLU)` : `ResNet-${6 * RESNET_DEPTH_N[model] + 2} (option A)`;
}

/**
 * The generated "what it shows" sentences. Table 1's pairs are judged by paired differences over
 * the shared seeds (./paired.ts: Student-t with the actual degrees of freedom, Holm over λ).
 */
export function findings(manifest: Manifest, summaries: CellSummary[], paper: PaperTable1, comparisons: readonly PairedComparison[]): { shows: string[]; doesNot: string[] } {
  const shows: string[] = [];
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  for (const c of comparisons.filter((x) => x.metric === 'test')) {
    const q = c.subject;
    const base = c.other;
    if (c.perLr.length === 0) continue;
    const parts = c.perLr.map((cell) => {
      const pa = paperCell(paper, q, cell.lr!);
      const pb = paperCell(paper, base, cell.lr!);
      return `at λ = ${lrLabel(cell.lr!)} ${DISPLAY[q]} − ${DISPLAY[base]} = ${pairedWords(cell)}${pa && pb ? `; paper: ${signed(pa.test - pb.test)}` : ''}`;
    });
    shows.push(`${DISPLAY[q]} against ${DISPLAY[base]}, test top-1, paired over shared seeds: ${parts.join('; ')}.`);
    const theirs = manifest.lrs.map((lr) => {
      const pa = paperCell(paper, q, lr);
      const pb = paperCell(paper, base, lr);
      return pa && pb ? pa.test - pb.test : undefined;
    });
    if (c.average && theirs.every((x) => x !== undefined)) {
      const t = mean(theirs as number[]);
      const a = c.average;
      const agree = Math.sign(a.mean) === Math.sign(t);
      shows.push(
        `Averaged over these ${manifest.lrs.length} learning rates, ${DISPLAY[q]} − ${DISPLAY[base]} is ${pairedWords(a)} here and ${signed(t)} in the paper at the same learning rates: the sign ${agree ? 'agrees' : 'disagrees'} with the paper` +
          (a.decision === 'indistinguishable' ? ', but the interval here includes 0, so this run cannot tell the sign.' : `, and the difference here is significant (${a.decision}).`),
      );
    }
  }
  for (const optimizer of manifest.optimizers) {
    const mostlyZero = summaries.filter((s) => s.optimizer === optimizer && s.zeroUpdateFraction !== null && s.zeroUpdateFraction > 0.5);
    if (mostlyZero.length > 0) {
      shows.push(
        `${DISPLAY[optimizer]} quantized ${mostlyZero.map((s) => `${pct(s.zeroUpdateFraction)} (λ = ${lrLabel(s.lr)}, final p ${[...new Set(s.finalP)].join('/')})`).join(', ')} of its per-weight updates to exactly zero: ` +
          `under the \`${describeReading(normalizeQuantization(manifest.quantization).reading)}\` reading, B.2a stops raising p as soon as the tested stretch of the step has a surviving component, and the scheduler's bound had not yet asked for a finer grid, so most weights did not move in most steps.`,
      );
    }
    const broken = summaries.filter((s) => s.optimizer === optimizer && s.annealingMargin?.some((m) => m < 1));
    if (broken.length > 0) {
      shows.push(
        `${DISPLAY[optimizer]}: B.2a pushed the index past the annealing bound of SPEC §5 (margin T_q·ln(t+2)/(C/b²) < 1 at the end) at λ = ${broken.map((s) => lrLabel(s.lr)).join(', ')}: there the realised quantization temperature is below the logarithmic schedule the convergence argument needs (SPEC §7).`,
      );
    }
  }
  for (const s of summaries) {
    if (s.diverged > 0) shows.push(`${DISPLAY[s.optimizer]} at λ = ${lrLabel(s.lr)} diverged (non-finite loss or step) in ${s.diverged} of ${s.finishedRuns} runs; its accuracy is that of the last finished epoch.`);
  }
  const epochsShort = manifest.epochs < 100;
  const ticks = manifest.quantization.timeUnit === 'epoch' ? manifest.epochs : manifest.epochs * Math.ceil(manifest.trainSubset / manifest.batch);
  const doesNot = [
    `It is not the paper's experiment: ${modelDescription(manifest.model)} instead of ResNet-32, ${manifest.trainSubset.toLocaleString('en-US')} of ${TRAIN_COUNT.toLocaleString('en-US')} training images, ${manifest.epochs} epoch${manifest.epochs === 1 ? '' : 's'} instead of 100, ${manifest.seeds.length} seeds instead of 10, ${manifest.lrs.length} of the 9 learning rates. Absolute accuracies are not comparable with the paper's columns, which are shown for the layout and for the direction of the differences only.`,
    `It does not test the paper's claim of reaching a global minimum: Theorem 3.1 is asymptotic (logarithmic cooling over an unbounded horizon)${epochsShort ? `, and ${manifest.epochs} epoch${manifest.epochs === 1 ? '' : 's'} with the scheduler clock per ${manifest.quantization.timeUnit} reach only t = ${ticks}` : ''}; a difference in final accuracy after a short run says nothing about which minimum a run converges to.`,
    `With ${manifest.seeds.length} seeds per cell a paired difference has ${manifest.seeds.length - 1} degree${manifest.seeds.length === 2 ? '' : 's'} of freedom (t critical value ${manifest.seeds.length > 1 ? studentTQuantile(0.975, manifest.seeds.length - 1).toFixed(2) : '—'}): the intervals are wide relative to the paper's reported differences (0.01–2 points); differences called indistinguishable above are not evidence of equality.`,
  ];
  return { shows, doesNot };
}

function curveRows(manifest: Manifest, cells: CellResult[]) {
  const rows: { optimizer: string; lr: string; epoch: number; test: number; train: number; loss: number }[] = [];
  for (const optimizer of manifest.optimizers) {
    for (const lr of manifest.lrs) {
      const runs = cells.filter((c) => c.optimizer === optimizer && c.lr === lr);
      for (let epoch = 1; epoch <= manifest.epochs; epoch++) {
        const at = runs.map((c) => c.history[epoch - 1]).filter((r): r is EpochRecord => r !== undefined);
        if (at.length === 0) continue;
        rows.push({
          optimizer: DISPLAY[optimizer],
          lr: `λ = ${lrLabel(lr)}`,
          epoch,
          test: 100 * mean(at.map((r) => r.testAccuracy)),
          train: 100 * mean(at.map((r) => r.trainAccuracy)),
          loss: mean(at.map((r) => r.loss)),
        });
      }
    }
  }
  return rows;
}

function curveSpec(rows: ReturnType<typeof curveRows>, field: 'test' | 'train' | 'loss', title: string, log: boolean, manifest: Manifest): Record<string, unknown> {
  const epochs = Array.from({ length: manifest.epochs }, (_, i) => i + 1);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: rows.filter((r) => Number.isFinite(r[field]) && (!log || r[field] > 0)) },
    facet: { column: { field: 'lr', type: 'nominal', title: null, sort: manifest.lrs.map((lr) => `λ = ${lrLabel(lr)}`) } },
    spec: {
      width: 200,
      height: 160,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { values: epochs, format: 'd' } },
            y: { field, type: 'quantitative', title, scale: log ? { type: 'log' } : { zero: false } },
            color: { field: 'optimizer', type: 'nominal', sort: COLUMNS.map((o) => DISPLAY[o]) },
            strokeDash: { field: 'optimizer', type: 'nominal', sort: COLUMNS.map((o) => DISPLAY[o]), legend: null },
          },
        },
        // Accuracy panels carry chance level (10 classes): a collapsed optimizer sits on this line.
        ...(field === 'loss'
          ? []
          : [
              {
                transform: [{ aggregate: [{ op: 'count', as: 'n' }] }],
                mark: { type: 'rule', color: 'gray', strokeDash: [2, 2] },
                encoding: { y: { datum: CHANCE_PERCENT } },
              },
            ]),
      ],
    },
  };
}

/** Top-1 of guessing among CIFAR-10's ten balanced classes, in percent. */
const CHANCE_PERCENT = 10;

function minutes(seconds: number): string {
  return `${(seconds / 60).toFixed(1)} min`;
}

function processesPhrase(processes: number): string {
  return processes === 1 ? 'one single-threaded process' : `${processes} single-threaded processes in parallel (\`--shard K/${processes}\`)`;
}

/** Render reports/cifar10/<run>/ from the run's logs; returns the directory. */
export async function renderReport(runsDir: string, run: string, reportParent = 'reports/cifar10'): Promise<string> {
  const { manifest, cells } = readSweep(runsDir, run);
  const paper = loadPaperTable1();
  const summaries = summarizeCells(manifest, cells);
  const dir = join(reportParent, run);
  makeDirectory(join(dir, 'logs'));
  const source = runDirectory(runsDir, run);
  // Read before this render overwrites it: a run resumed from its own committed report keeps its earlier wall time.
  const committedWall = existsSync(join(dir, 'results.json')) ? (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { wallSeconds?: number }).wallSeconds : undefined;
  for (const c of cells) {
    const name = `${cellName(c.optimizer, c.lr, c.seed)}.jsonl`;
    if (existsSync(join(source, name))) copyFileSync(join(source, name), join(dir, 'logs', name));
  }
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  // A marker names the run a cell was copied from: another run (--reuse), or this run's own committed
  // report (a sweep resumed on a machine whose runs directory was empty): only the first is "reused".
  const markerOf = (c: CellResult) => reusedMarker(source, cellName(c.optimizer, c.lr, c.seed));
  const copiedFrom = (c: CellResult) => (existsSync(markerOf(c)) ? readFileSync(markerOf(c), 'utf8').trim() : null);
  const ownCopies = cells.filter((c) => copiedFrom(c) === run);
  const reused = cells.filter((c) => copiedFrom(c) !== null && copiedFrom(c) !== run);
  const reusedNote = reused.length
    ? ` ${reused.length} of the runs (${[...new Set(reused.map((c) => DISPLAY[c.optimizer]))].join(', ')}) were copied from run ${[...new Set(reused.map((c) => `\`${copiedFrom(c)}\``))].join(', ')}, where the identical configuration had finished; their compute time is counted here.`
    : '';
  const records = cells.flatMap((c) => c.history);
  const computeSeconds = records.reduce((s, r) => s + r.seconds, 0);
  const imagesTrained = cells.reduce((s, c) => s + c.history.length * manifest.trainSubset, 0);
  const logOf = (c: CellResult) => join(source, `${cellName(c.optimizer, c.lr, c.seed)}.jsonl`);
  const logTime = (c: CellResult) => statSync(logOf(c)).mtimeMs;
  const logged = cells.filter((c) => existsSync(logOf(c)));
  let wallSeconds: number;
  if (ownCopies.length > 0) {
    // Resumed from the committed report: its wall time, plus this machine's, from the first copy to the last new log.
    const resumed = Math.min(...ownCopies.map((c) => statSync(markerOf(c)).mtimeMs));
    const fresh = logged.filter((c) => !ownCopies.includes(c)).map(logTime);
    wallSeconds = (committedWall ?? 0) + (fresh.length ? Math.max(0, Math.max(...fresh) - resumed) / 1000 : 0);
  } else {
    const logTimes = logged.map(logTime);
    wallSeconds = logTimes.length ? (Math.max(...logTimes) - Date.parse(manifest.createdAt)) / 1000 : 0;
  }
  const finished = summaries.reduce((s, x) => s + x.finishedRuns, 0);
  const planned = summaries.reduce((s, x) => s + x.runs, 0);

  const rows = manifest.lrs.map((lr) => {
    const cellsOut = [lrLabel(lr)];
    for (const o of COLUMNS) {
      const s = summaries.find((x) => x.optimizer === o && x.lr === lr);
      const p = paperCell(paper, o, lr);
      cellsOut.push(s ? `${fmt(s.train)} (${p ? p.train.toFixed(2) : '—'})` : '—', s ? `${fmt(s.test)} (${p ? p.test.toFixed(2) : '—'})` : '—');
    }
    return cellsOut;
  });
  const averageRow = ['Average'];
  for (const o of COLUMNS) {
    const ss = summaries.filter((x) => x.optimizer === o && x.train.n > 0);
    const ps = manifest.lrs.map((lr) => paperCell(paper, o, lr)).filter((p) => p !== undefined);
    averageRow.push(
      ss.length ? `${mean(ss.map((s) => s.train.mean)).toFixed(2)} (${ps.length ? mean(ps.map((p) => p.train)).toFixed(2) : '—'})` : '—',
      ss.length ? `${mean(ss.map((s) => s.test.mean)).toFixed(2)} (${ps.length ? mean(ps.map((p) => p.test)).toFixed(2) : '—'})` : '—',
    );
  }
  rows.push(averageRow);
  const headers = ['Learning rate', ...COLUMNS.flatMap((o) => [`${DISPLAY[o]} train`, `${DISPLAY[o]} test`])];

  const quantRows = summaries
    .filter((s) => s.finalP !== null)
    .map((s) => [
      DISPLAY[s.optimizer],
      lrLabel(s.lr),
      s.finalP?.map((p, i) => (s.finalPMax && s.finalPMax[i] !== p ? `${p}–${s.finalPMax[i]}` : String(p))).join(', ') ?? '—',
      pct(s.vanishingFraction),
      pct(s.zeroUpdateFraction),
      s.raises === null ? '—' : s.raises.toFixed(1),
      s.annealingMargin?.map((m) => (m >= 100 || m < 0.01 ? m.toExponential(1) : m.toFixed(2))).join(', ') ?? '—',
      String(s.diverged),
    ]);

  const curve = curveRows(manifest, cells);
  const figures = [
    { name: 'test-accuracy', spec: curveSpec(curve, 'test', 'test top-1 (%)', false, manifest), caption: 'Test top-1 (mean over seeds) per epoch; dashed grey line: chance (10%)' },
    { name: 'train-accuracy', spec: curveSpec(curve, 'train', 'train top-1 (%)', false, manifest), caption: 'Running train top-1 (mean over seeds) per epoch; dashed grey line: chance (10%)' },
    { name: 'loss', spec: curveSpec(curve, 'loss', 'training cross-entropy', true, manifest), caption: 'Mean training cross-entropy per epoch (log scale)' },
  ];
  for (const f of figures) {
    const { svg, png } = await renderFigure(f.spec);
    writeFileAtomic(join(dir, `${f.name}.svg`), svg);
    writeFileAtomic(join(dir, `${f.name}.png`), png);
  }

  const q = normalizeQuantization(manifest.quantization);
  const comparisons = [...pairedComparisons(manifest, cells, 'test'), ...pairedComparisons(manifest, cells, 'train')];
  const { shows, doesNot } = findings(manifest, summaries, paper, comparisons);
  const results = { manifest, summaries, comparisons, computeSeconds, wallSeconds, finishedRuns: finished, plannedRuns: planned, findings: { shows, doesNot } };
  writeFileAtomic(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');

  const imagesPerSecond = computeSeconds > 0 ? imagesTrained / computeSeconds : NaN;
  const md = [
    `# CIFAR-10 confirmation (reduced scale): ${run}`,
    '',
    `**Scale of this run.** ${modelDescription(manifest.model)}, trained on the first ${manifest.trainSubset.toLocaleString('en-US')} of the ${TRAIN_COUNT.toLocaleString('en-US')} CIFAR-10 training images and tested on the first ${manifest.testSubset.toLocaleString('en-US')} of the ${TEST_COUNT.toLocaleString('en-US')} test images; ${manifest.epochs} epoch${manifest.epochs === 1 ? '' : 's'}, batch ${manifest.batch}, ${manifest.shuffle ? 'shuffled' : 'unshuffled (as the reference)'}; ${manifest.optimizers.length} optimizers × ${manifest.lrs.length} learning rates × ${manifest.seeds.length} seeds = ${planned} runs (${finished} finished). ` +
      `The paper: ResNet-32, all 50,000/10,000 images, 100 epochs, 10 runs per cell, 9 learning rates.`,
    '',
    `**Compute.** ${backendPhrase(manifest)}, ${processesPhrase(manifest.processes ?? 1)} on a 2-core machine shared with other jobs: ${minutes(computeSeconds)} of training and evaluation summed over runs (${imagesPerSecond.toFixed(0)} training images/s including the per-epoch test pass), ${minutes(wallSeconds)} wall-clock from start to the last log.${reusedNote}`,
    '',
    `**Settings.** Inputs (x/255 − 0.5)/0.5, cross-entropy, no augmentation. Quantized optimizers: reading \`${describeReading(q.reading)}\` (SPEC §7: B.2a granularity ${q.reading.granularity}, vanishing test ${q.reading.test}, ${q.reading.cap} cap${q.reading.b2aOnFirstStep ? '' : ', no B.2a on the first step'}), ${q.reading.mode} quantizer, b = ${q.schedule.base}, η = ${q.schedule.eta}, C = ${q.schedule.C.toExponential()}, β = ${q.schedule.beta}, κ = ${q.kappa === 'reference' ? '64/24 (reference)' : '1/(24λ) (Langevin)'}, p_0 = ${q.schedule.p0}, p_max = ${q.schedule.pMax}, ` +
      `B.2a ${q.switches.avoidVanishing ? 'on' : 'off'}, B.2b ${q.switches.bound ? 'on' : 'off'}, scheduler clock per ${q.timeUnit}. ADAM/QtADAM: β1 = ${manifest.adam.beta1}, β2 = ${manifest.adam.beta2}, ε = ${manifest.adam.eps}. ` +
      'All four optimizers run through the math core\'s one Learner (src/core/learner.ts: direction, λ, quantization under the reading, scheduler) on a float64 master copy of the weights.',
    '',
    '## Table 1 layout: top-1 accuracy (%), mean ± standard deviation over seeds (the paper\'s ResNet-32 value in parentheses)',
    '',
    table(headers, rows),
    '',
    `Final-epoch accuracies. "train" is the running top-1 over the epoch's mini-batches (training mode); "test" is measured after the epoch in inference mode. The Average row averages the ${manifest.lrs.length} learning rates run here, and the paper's values over the same learning rates.`,
    '',
    '## Quantization diagnostics',
    '',
    table(['Optimizer', 'λ', normalizeQuantization(manifest.quantization).reading.granularity === 'per-tensor' ? 'final p per seed (min–max over tensors)' : 'final p per seed', 'vanishing steps', 'zero weight updates', 'B.2a raises per run', 'annealing margin per seed', 'diverged runs'], quantRows),
    '',
    '"vanishing steps": fraction of steps whose quantized update was all zero at the index it started with (what triggers B.2a). "zero weight updates": fraction of per-weight updates quantized to exactly 0 (weights that did not move in that step). "annealing margin": T_q(t)·ln(t+2)/(C/b²) with T_q = κ/Q_p² for the final index at the time of the last step (core annealingMargin, SPEC §5); below 1 the index is finer than the logarithmic schedule allows, which B.2a can cause (SPEC §7).',
    '',
    '## Learning curves',
    '',
    ...figures.flatMap((f) => [`![${f.caption}](${f.name}.png)`, '', `${f.caption} ([SVG](${f.name}.svg)).`, '']),
    '## What this run shows',
    '',
    ...shows.map((s) => `- ${s}`),
    '',
    '## What it does not show',
    '',
    ...doesNot.map((s) => `- ${s}`),
    '',
    `Data: \`results.json\` (summaries), \`logs/*.jsonl\` (one record per epoch and run), \`manifest.json\`. Regenerate with \`${commandFor(manifest)} --backend ${manifest.backend}\` (finished runs are read, not retrained; add \`--shard K/N\` to N processes to train in parallel; the same command on another backend agrees to float32 rounding, not bit for bit).`,
    '',
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), md);
  renderIndex(reportParent);
  return dir;
}

/** "tfjs backend `wasm`", or every backend when a run was resumed (or reused runs) on another. */
export function backendPhrase(manifest: Manifest): string {
  const backends = backendsOf(manifest);
  return backends.length === 1
    ? `tfjs backend \`${backends[0]}\``
    : `tfjs backends ${backends.map((b) => `\`${b}\``).join(' and ')} (the run was resumed, or runs reused, on another backend: float32 results agree to rounding, not bit for bit)`;
}

/** reports/cifar10/README.md: one line per rendered run (scale, quantization settings, mean test top-1 per optimizer). */
export function renderIndex(reportParent: string): void {
  const runs = readdirSync(reportParent, { withFileTypes: true })
    // Run reports only (a readings comparison has results.json but no manifest of its own).
    .filter((e) => e.isDirectory() && existsSync(join(reportParent, e.name, 'results.json')) && existsSync(join(reportParent, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort();
  const rows = runs.map((run) => {
    const r = JSON.parse(readFileSync(join(reportParent, run, 'results.json'), 'utf8')) as {
      manifest: Manifest;
      summaries: CellSummary[];
      computeSeconds: number;
      wallSeconds?: number;
      finishedRuns: number;
      plannedRuns: number;
    };
    const m = r.manifest;
    const q = normalizeQuantization(m.quantization);
    const average = (o: OptimizerName) => {
      const ss = r.summaries.filter((x) => x.optimizer === o && x.test.n > 0);
      return ss.length ? mean(ss.map((x) => x.test.mean)).toFixed(2) : '—';
    };
    return [
      `[${run}](${run}/report.md)`,
      `${modelDescription(m.model)}, ${m.trainSubset}/${m.testSubset} images, ${m.epochs} ep, λ ${m.lrs.map(lrLabel).join(' ')}, ${m.seeds.length} seeds (${r.finishedRuns}/${r.plannedRuns} runs)`,
      `reading ${describeReading(q.reading)}, clock per ${q.timeUnit}, B.2a ${q.switches.avoidVanishing ? 'on' : 'off'}, B.2b ${q.switches.bound ? 'on' : 'off'}, κ ${q.kappa}`,
      ...COLUMNS.map(average),
      `${minutes(r.computeSeconds)}${r.wallSeconds ? ` (${minutes(r.wallSeconds)} wall, ${m.processes ?? 1} process${(m.processes ?? 1) > 1 ? 'es' : ''})` : ''}${m.reuseFrom ? `, incl. runs reused from ${m.reuseFrom}` : ''}, ${backendsOf(m).join('+')}`,
    ];
  });
  const md = [
    '# CIFAR-10 runs (generated)',
    '',
    'Mean final test top-1 (%) averaged over the learning rates of each run; the details, spreads and the paper\'s values are in each report. "compute" is training and evaluation time summed over runs, then the wall-clock time and the number of parallel processes. The last word of "compute" is the tfjs backend. Throughput per backend and the cost of the full Table 1: [bench.md](bench.md).',
    '',
    table(['run', 'scale', 'quantization', ...COLUMNS.map((o) => `${DISPLAY[o]} test`), 'compute'], rows),
    '',
    ...comparisonLinks(reportParent),
  ].join('\n');
  writeFileAtomic(join(reportParent, 'README.md'), md);
}

/** Links to the readings comparisons (qle cifar10-readings): folders with a report but no run manifest. */
function comparisonLinks(reportParent: string): string[] {
  const folders = readdirSync(reportParent, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(reportParent, e.name, 'report.md')) && !existsSync(join(reportParent, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort();
  return folders.length ? ['B.2a readings compared on one grid (`qle cifar10-readings`): ' + folders.map((f) => `[${f}](${f}/report.md)`).join(', ') + '.', ''] : [];
}
