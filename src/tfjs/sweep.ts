/**
 * A grid of CIFAR-10 runs (Table 1's layout: optimizer × learning rate × seed) under one run name.
 * Files live in <runsDir>/<run>/: manifest.json (the scale and settings), and per cell and seed a
 * JSONL log and a checkpoint. Running the same command again skips finished runs and resumes the
 * interrupted one from its last checkpoint.
 */
import { describeReading, READING_NAMES, READINGS, sameReading, type Reading } from '../core/reading.ts';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifar10, prefix, DEFAULT_CACHE_DIR, type Split } from './data.ts';
import type { ModelName } from './models.ts';
import { cellName, DEFAULT_BATCH, DEFAULT_QUANTIZATION, lrLabel, normalizeQuantization, type OptimizerName, type QuantizationConfig } from './names.ts';
import { readLog, sameConfig, trainRun, type EpochRecord, type RunConfig } from './train.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { ADAM_DEFAULTS, type AdamHyper } from '../core/learning.ts';

export { DEFAULT_RUNS_DIR } from './names.ts';
import { DEFAULT_RUNS_DIR } from './names.ts';

export interface SweepPlan {
  readonly run: string;
  readonly model: ModelName;
  readonly optimizers: OptimizerName[];
  readonly lrs: number[];
  readonly seeds: number[];
  readonly epochs: number;
  readonly batch: number;
  readonly trainSubset: number;
  readonly testSubset: number;
  readonly shuffle: boolean;
  readonly quantization: QuantizationConfig;
  readonly adam: AdamHyper;
  /** Another run whose finished runs with an identical configuration are copied instead of retrained. */
  readonly reuseFrom?: string;
}

export interface Manifest extends SweepPlan {
  /** The tfjs backend that started the run ('tensorflow', 'wasm' or 'cpu'). */
  readonly backend: string;
  /** Every backend that trained or contributed (reused) runs, when more than one did (absent = [backend]). */
  readonly backends?: string[];
  readonly createdAt: string;
  /** How many processes trained the grid in parallel (`--shard K/N` gives N; absent = 1). */
  readonly processes?: number;
}

/** Shard K of N: this process trains the cells whose position in the grid is K−1 modulo N. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_GRID: Shard = { index: 1, count: 1 };

export interface GridCell {
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly seed: number;
}

/** The cells one process trains, in order. Seed-major: every cell gets its first seed before any
 * gets its second, so a sweep stopped early still covers the whole grid. */
export function gridCells(plan: SweepPlan, shard: Shard = WHOLE_GRID): GridCell[] {
  const cells = plan.seeds.flatMap((seed) => plan.optimizers.flatMap((optimizer) => plan.lrs.map((lr) => ({ optimizer, lr, seed }))));
  return cells.filter((_, i) => i % shard.count === shard.index - 1);
}

export { cellName, lrLabel } from './names.ts';

/** A run name already used with other settings: the user chooses another name (exit 2 in the CLI). */
export class RunConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunConflictError';
  }
}

export function runDirectory(runsDir: string, run: string): string {
  return join(runsDir, run);
}

/** The `qle cifar10` command that reproduces a plan (options at their defaults are left out). */
export function commandFor(plan: SweepPlan): string {
  // Legacy manifests (committed reports) carry the pre-reading fields: normalise before reading them.
  const q = normalizeQuantization(plan.quantization);
  const d = DEFAULT_QUANTIZATION;
  const args = [
    'npm run -s qle -- cifar10',
    `--model ${plan.model}`,
    `--optimizer ${plan.optimizers.join(',')}`,
    `--lr ${plan.lrs.map(lrLabel).join(',')}`,
    `--runs ${plan.seeds.length}`,
    plan.seeds[0] !== 1 ? `--seed ${plan.seeds[0]}` : '',
    `--epochs ${plan.epochs}`,
    plan.batch !== DEFAULT_BATCH ? `--batch ${plan.batch}` : '',
    `--train-subset ${plan.trainSubset}`,
    `--test-subset ${plan.testSubset}`,
    plan.shuffle ? '--shuffle' : '',
    q.timeUnit !== d.timeUnit ? `--time-unit ${q.timeUnit}` : '',
    q.kappa !== d.kappa ? `--kappa ${q.kappa}` : '',
    describeReading({ ...q.reading, mode: 'round' }) !== 'paper' ? `--reading ${readingOption(q.reading)}` : '',
    q.reading.mode !== d.reading.mode ? `--mode ${q.reading.mode}` : '',
    q.schedule.p0 !== d.schedule.p0 ? `--p0 ${q.schedule.p0}` : '',
    q.schedule.pMax !== d.schedule.pMax ? `--pmax ${q.schedule.pMax}` : '',
    q.switches.bound ? '' : '--no-bound',
    q.switches.avoidVanishing ? '' : '--no-avoid-vanishing',
    plan.adam.eps !== ADAM_DEFAULTS.eps ? `--adam-eps ${plan.adam.eps}` : '',
    plan.reuseFrom ? `--reuse ${plan.reuseFrom}` : '',
    `--run ${plan.run}`,
  ];
  return args.filter((a) => a !== '').join(' ');
}

/** The configuration of one run. SGD and ADAM do not quantize: they get the default quantization
 * settings whatever the plan says, so their runs are identical (and reusable) across plans. */
export function configFor(plan: SweepPlan, optimizer: OptimizerName, lr: number, seed: number): RunConfig {
  const quantized = optimizer === 'qsgd' || optimizer === 'qtadam';
  return {
    model: plan.model,
    optimizer,
    lr,
    epochs: plan.epochs,
    seed,
    batch: plan.batch,
    shuffle: plan.shuffle,
    quantization: quantized ? plan.quantization : DEFAULT_QUANTIZATION,
    adam: plan.adam,
  };
}

/** Marker file recording that a run's files were copied from another run. */
export const reusedMarker = (dir: string, name: string) => join(dir, `${name}.reused`);

/**
 * Copy a finished run with the same configuration from run `from`, if there is one: from its run
 * directory (checkpoint and log), else from its committed report (reports/cifar10/<from>/logs and
 * manifest.json: the log alone, which is all a finished run's report needs).
 */
function reuse(runsDir: string, reportParent: string, from: string, dir: string, name: string, config: RunConfig): boolean {
  const source = runDirectory(runsDir, from);
  const checkpoint = join(source, `${name}.ckpt.json`);
  const log = join(source, `${name}.jsonl`);
  const finished = (history: EpochRecord[]) => history.length >= config.epochs || Boolean(history[history.length - 1]?.diverged);
  if (existsSync(checkpoint) && existsSync(log)) {
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { config: RunConfig; history: EpochRecord[] };
    if (!sameConfig(saved.config, config) || !finished(saved.history)) return false;
    copyFileSync(checkpoint, join(dir, `${name}.ckpt.json`));
    copyFileSync(log, join(dir, `${name}.jsonl`));
    writeFileAtomic(reusedMarker(dir, name), `${from}\n`);
    return true;
  }
  const report = join(reportParent, from);
  const reportLog = join(report, 'logs', `${name}.jsonl`);
  if (!existsSync(reportLog) || !existsSync(join(report, 'manifest.json'))) return false;
  const manifest = JSON.parse(readFileSync(join(report, 'manifest.json'), 'utf8')) as Manifest;
  if (!sameConfig(configFor(manifest, config.optimizer, config.lr, config.seed), config) || !finished(readLog(reportLog))) return false;
  copyFileSync(reportLog, join(dir, `${name}.jsonl`));
  writeFileAtomic(reusedMarker(dir, name), `${from}\n`);
  return true;
}

export interface CellResult {
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly seed: number;
  readonly history: EpochRecord[];
}

export interface SweepHooks {
  onCellStart?: (name: string, index: number, total: number) => void;
  onStep?: () => void;
  onEpoch?: (name: string, record: EpochRecord) => void;
  /** Where committed reports live, for --reuse from a report's logs (default reports/cifar10). */
  reportParent?: string;
  /** Trace the (single) cell to this file (qle cifar10 --trace). */
  trace?: string;
}

export const DEFAULT_REPORT_PARENT = 'reports/cifar10';

/** The manifest with `backend` added to the backends that trained it (a run resumed or sharded on another backend). */
export function withBackend(manifest: Manifest, backend: string): Manifest {
  const backends = manifest.backends ?? [manifest.backend];
  return backends.includes(backend) ? manifest : { ...manifest, backends: [...backends, backend] };
}

/** Backends of a manifest, in the order they joined. */
export function backendsOf(manifest: Manifest): string[] {
  return manifest.backends ?? [manifest.backend];
}

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Record in the manifest that `backend` trained (or contributed reused) runs, if it is new there. */
function noteBackend(manifestPath: string, backend: string): void {
  const saved = readManifest(manifestPath);
  const updated = withBackend(saved, backend);
  if (updated !== saved) writeFileAtomic(manifestPath, JSON.stringify(updated, null, 2) + '\n');
}

/** The backends of run `from` (in the runs directory, or a committed report) that --reuse copies from. */
function reusedBackends(runsDir: string, reportParent: string, from: string): string[] {
  const path = [join(runDirectory(runsDir, from), 'manifest.json'), join(reportParent, from, 'manifest.json')].find((p) => existsSync(p));
  return path ? backendsOf(readManifest(path)) : [];
}

/** The same grid with the same configuration in every cell (key order and legacy quantization fields aside). */
function samePlan(a: SweepPlan, b: SweepPlan): boolean {
  const grid = (p: SweepPlan) => gridCells(p).map((c) => `${c.optimizer}/${c.lr}/${c.seed}`).sort().join(' ');
  return (
    a.run === b.run &&
    grid(a) === grid(b) &&
    gridCells(b).every((c) => sameConfig(configFor(a, c.optimizer, c.lr, c.seed), configFor(b, c.optimizer, c.lr, c.seed)))
  );
}

/** Run (or resume) every cell of the plan: seed, then optimizer, then learning rate. */
export async function runSweep(
  plan: SweepPlan,
  backend: string,
  runsDir = DEFAULT_RUNS_DIR,
  dataDir = DEFAULT_CACHE_DIR,
  hooks: SweepHooks = {},
  shard: Shard = WHOLE_GRID,
): Promise<CellResult[]> {
  const dir = runDirectory(runsDir, plan.run);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const saved = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const { backend: _b, backends: _bs, createdAt: _c, processes, ...savedPlan } = saved;
    if (JSON.stringify(savedPlan) !== JSON.stringify(plan)) {
      throw new RunConflictError(`run ${plan.run} exists with different settings (${manifestPath}); choose another --run name`);
    }
    if (shard.count > (processes ?? 1)) writeFileAtomic(manifestPath, JSON.stringify({ ...saved, processes: shard.count } satisfies Manifest, null, 2) + '\n');
  } else {
    // A run whose report is committed continues under its identity there (backend, start, processes).
    const committedPath = join(hooks.reportParent ?? DEFAULT_REPORT_PARENT, plan.run, 'manifest.json');
    const committed = existsSync(committedPath) ? readManifest(committedPath) : null;
    const continued = committed && samePlan(committed, plan) ? committed : null;
    const processes = Math.max(continued?.processes ?? 1, shard.count);
    const manifest: Manifest = {
      ...plan,
      backend: continued?.backend ?? backend,
      ...(continued?.backends ? { backends: continued.backends } : {}),
      createdAt: continued?.createdAt ?? new Date().toISOString(),
      ...(processes > 1 ? { processes } : {}),
    };
    writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  }
  // Decoded only when a cell trains: rendering or resuming a finished (or wholly reused) sweep reads no images.
  let splits: { train: Split; test: Split } | undefined;
  const data = () => {
    if (!splits) {
      const cifar = loadCifar10(dataDir);
      splits = { train: prefix(cifar.train, plan.trainSubset), test: prefix(cifar.test, plan.testSubset) };
    }
    return splits;
  };
  const cells = gridCells(plan, shard);
  const results: CellResult[] = [];
  for (const [index, { optimizer, lr, seed }] of cells.entries()) {
    const name = cellName(optimizer, lr, seed);
    hooks.onCellStart?.(name, index, cells.length);
    const config = configFor(plan, optimizer, lr, seed);
    const reportParent = hooks.reportParent ?? DEFAULT_REPORT_PARENT;
    // A finished run is taken from this run's own committed report first (a sweep resumed on a new
    // machine, whose runs directory is empty), then from the --reuse run.
    for (const from of [plan.run, plan.reuseFrom]) {
      if (!from || existsSync(join(dir, `${name}.ckpt.json`)) || existsSync(reusedMarker(dir, name))) continue;
      if (reuse(runsDir, reportParent, from, dir, name, config)) for (const source of reusedBackends(runsDir, reportParent, from)) noteBackend(manifestPath, source);
    }
    // A run reused from a committed report has its finished log and no checkpoint: nothing to train.
    const logged = readLog(join(dir, `${name}.jsonl`));
    if (existsSync(reusedMarker(dir, name)) && !existsSync(join(dir, `${name}.ckpt.json`)) && logged.length >= config.epochs) {
      results.push({ optimizer, lr, seed, history: logged });
      continue;
    }
    const { train, test } = data();
    const history = await trainRun(config, train, test, {
      log: join(dir, `${name}.jsonl`),
      checkpoint: join(dir, `${name}.ckpt.json`),
    }, {
      onStep: hooks.onStep,
      onEpoch: (record) => {
        noteBackend(manifestPath, backend);
        hooks.onEpoch?.(name, record);
      },
      trace: hooks.trace,
    });
    results.push({ optimizer, lr, seed, history });
  }
  return results;
}

/** Read every cell's log of a run (missing logs give empty histories). */
export function readSweep(runsDir: string, run: string): { manifest: Manifest; cells: CellResult[] } {
  const dir = runDirectory(runsDir, run);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no run ${run} in ${runsDir}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const cells = manifest.optimizers.flatMap((optimizer) =>
    manifest.lrs.flatMap((lr) =>
      manifest.seeds.map((seed) => ({ optimizer, lr, seed, history: readLog(join(dir, `${cellName(optimizer, lr, seed)}.jsonl`)) })),
    ),
  );
  return { manifest, cells };
}

/** Steps per epoch of the plan (for progress bars). */
export function stepsPerEpoch(plan: SweepPlan): number {
  return Math.ceil(plan.trainSubset / plan.batch);
}

/** The --reading name of a reading (its preset, whatever the mode). */
function readingOption(reading: Reading): string {
  const name = READING_NAMES.find((n) => sameReading(READINGS[n], { ...reading, mode: READINGS[n].mode }));
  if (!name) throw new Error(`reading ${describeReading(reading)} has no --reading preset`);
  return name;
}
