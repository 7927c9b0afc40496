/**
 * `qle cifar10`: the CIFAR-10 confirmation of SPEC §8 with TensorFlow.js. Trains a grid of runs
 * (optimizers × learning rates × seeds; one of each is a single run, --sweep is Table 1's grid),
 * resumable, then renders reports/cifar10/<run>/.
 */
import { READING_NAMES, READING_SWITCHES, READINGS, type ReadingName } from '../../core/reading.ts';
import type { Command } from 'commander';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { UsageError } from '../errors.ts';
import { parseChoice, parseInteger, parseNumber, positive } from '../parse.ts';
import { checkOutputDirectory, checkOutputFile, parseList } from '../paths.ts';
import { cacheDir } from '../../io/cache-dir.ts';
import { existsSync } from 'node:fs';
import {
  BACKEND_CHOICES, BACKEND_ENV, BackendChoiceError, backendChoice, DEFAULT_BATCH, DEFAULT_QUANTIZATION, MODEL_NAMES, OPTIMIZER_NAMES,
  type BackendChoice, type ModelName, type OptimizerName,
} from '../../tfjs/names.ts';
import type { Shard, SweepPlan } from '../../tfjs/sweep.ts';
import { Cifar10DataError, TEST_COUNT, TRAIN_COUNT } from '../../tfjs/data.ts';
import { missingTfjsPackages } from '../../tfjs/available.ts';
import { ADAM_DEFAULTS } from '../../core/learning.ts';
import { makeGrid, QUANT_MODES, QuantizerParamError, type QuantMode } from '../../core/quantizer.ts';
import type { KappaChoice, TimeUnit } from '../../core/schedule.ts';

/** Table 1's learning rates 2^−2 … 2^−10. */
export const TABLE1_LRS = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => 2 ** -k);

interface Cifar10Options {
  model: ModelName;
  optimizer?: OptimizerName[];
  lr?: number[];
  sweep?: boolean;
  epochs: number;
  runs: number;
  seed: number;
  batch: number;
  trainSubset: number;
  testSubset: number;
  shuffle?: boolean;
  run?: string;
  runsDir: string;
  dataDir: string;
  timeUnit: TimeUnit;
  kappa: KappaChoice;
  mode: QuantMode;
  p0: number;
  pmax: number;
  bound: boolean;
  avoidVanishing: boolean;
  perTensor?: boolean;
  reading?: ReadingName;
  adamEps: number;
  report: boolean;
  reportDir: string;
  reuse?: string;
  shard?: Shard;
  backend?: BackendChoice;
  dryRun?: boolean;
  trace?: string;
}

/** `K/N` with 1 ≤ K ≤ N: this process trains every N-th cell of the grid, starting at the K-th. */
export function parseShard(raw: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count)) throw new UsageError(`--shard must be K/N with 1 <= K <= N (e.g. 1/2), got ${JSON.stringify(raw)}`);
  return { index, count };
}

/** Run f; a BackendChoiceError becomes a usage error (one line, exit 2). */
function userFacing<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw error instanceof BackendChoiceError ? new UsageError(error.message) : error;
  }
}

export function planFrom(options: Cifar10Options): SweepPlan {
  const optimizers = options.optimizer ?? (options.sweep ? ['adam', 'qtadam', 'sgd', 'qsgd'] : undefined);
  const lrs = options.lr ?? (options.sweep ? TABLE1_LRS : undefined);
  if (!optimizers) throw new UsageError('--optimizer is required (qsgd, qtadam, sgd, adam; comma-separated for a grid) unless --sweep');
  if (!lrs) throw new UsageError('--lr is required (e.g. 2^-6; comma-separated for a grid) unless --sweep');
  if (options.p0 > options.pmax) throw new UsageError(`--p0 (${options.p0}) must not exceed --pmax (${options.pmax})`);
  // Each index must give a grid the core can represent (SPEC §1): refused here, before tfjs loads.
  for (const [name, p] of [['p0', options.p0], ['pmax', options.pmax]] as const) {
    try {
      makeGrid(DEFAULT_QUANTIZATION.schedule.eta, DEFAULT_QUANTIZATION.schedule.base, p);
    } catch (error) {
      if (error instanceof QuantizerParamError) throw new UsageError(`--${name} ${p}: ${error.message}`);
      throw error;
    }
  }
  if (options.perTensor && options.reading && options.reading !== 'per-tensor') throw new UsageError(`--per-tensor contradicts --reading ${options.reading}`);
  const readingName: ReadingName = options.perTensor ? 'per-tensor' : (options.reading ?? 'paper');
  const seeds = Array.from({ length: options.runs }, (_, i) => options.seed + i);
  const trainSubset = Math.min(options.trainSubset, TRAIN_COUNT);
  const testSubset = Math.min(options.testSubset, TEST_COUNT);
  const run = options.run ?? `${options.model}-train${trainSubset}-e${options.epochs}`;
  if (!/^[A-Za-z0-9._-]+$/.test(run)) throw new UsageError(`--run must be letters, digits, '.', '_' or '-', got ${JSON.stringify(run)}`);
  return {
    run,
    model: options.model,
    optimizers: [...new Set(optimizers)],
    lrs: [...new Set(lrs)],
    seeds,
    epochs: options.epochs,
    batch: options.batch,
    trainSubset,
    testSubset,
    shuffle: Boolean(options.shuffle),
    quantization: {
      ...DEFAULT_QUANTIZATION,
      reading: { ...READINGS[readingName], mode: options.mode },
      schedule: { ...DEFAULT_QUANTIZATION.schedule, p0: options.p0, pMax: options.pmax },
      kappa: options.kappa,
      // A preset that fixes B.2b or the clock (the reference code's) wins over the options.
      switches: { avoidVanishing: options.avoidVanishing, bound: READING_SWITCHES[readingName].b2b ?? options.bound },
      timeUnit: READING_SWITCHES[readingName].clock ?? options.timeUnit,
    },
    adam: { ...ADAM_DEFAULTS, eps: options.adamEps },
    ...(options.reuse ? { reuseFrom: options.reuse } : {}),
  };
}

/** The folders the run reads and writes, checked (not created) before tfjs loads. */
function checkFolders(options: Cifar10Options): void {
  checkOutputDirectory('runs-dir', options.runsDir);
  checkOutputDirectory('data-dir', options.dataDir);
  if (options.report) checkOutputDirectory('report-dir', options.reportDir);
  if (options.reuse !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.reuse)) throw new UsageError(`--reuse must be a run name (letters, digits, '.', '_' or '-'), got ${JSON.stringify(options.reuse)}`);
    // A run is found in the runs directory or, on a fresh machine, as its committed report.
    const found = [options.runsDir, options.reportDir].some((parent) => existsSync(join(parent, options.reuse as string, 'manifest.json')));
    if (!found) throw new UsageError(`--reuse: no run ${options.reuse} in ${options.runsDir} or ${options.reportDir}`);
  }
}

export function register(program: Command): void {
  const Q = DEFAULT_QUANTIZATION;
  program
    .command('cifar10')
    .description('train SGD/ADAM/QSGD/QtADAM on real CIFAR-10 with tfjs (SPEC §8) and render reports/cifar10/<run>/')
    .option('--model <M>', `network: ${MODEL_NAMES.join(', ')}`, parseChoice('model', MODEL_NAMES), 'resnet32' as ModelName)
    .option('--optimizer <O,...>', `optimizers (${OPTIMIZER_NAMES.join(', ')}), comma-separated`, parseList('optimizer', 'optimizer', parseChoice('optimizer', OPTIMIZER_NAMES)))
    .option('--lr <L,...>', 'learning rates λ > 0 (2^-k accepted), comma-separated', parseList('lr', 'learning rate', parseNumber('lr', positive)))
    .option('--sweep', "Table 1's grid: all four optimizers × λ = 2^-2 … 2^-10 (unless --optimizer/--lr narrow it)")
    .option('--epochs <E>', 'epochs per run (>= 1)', parseInteger('epochs', 1), 100)
    .option('--runs <R>', 'runs (seeds) per cell (>= 1)', parseInteger('runs', 1), 1)
    .option('--seed <S>', 'first seed; run i uses seed S+i', parseInteger('seed', 1), 1)
    .option('--batch <B>', 'mini-batch size', parseInteger('batch', 1), DEFAULT_BATCH)
    .option('--train-subset <N>', 'train on the first N of the 50,000 training images', parseInteger('train-subset', 1), TRAIN_COUNT)
    .option('--test-subset <M>', 'test on the first M of the 10,000 test images', parseInteger('test-subset', 1), TEST_COUNT)
    .option('--shuffle', 'shuffle the training order every epoch (the reference does not)')
    .option('--run <NAME>', 'run name (directory under --runs-dir and reports/cifar10/); default <model>-train<N>-e<E>')
    .option('--runs-dir <DIR>', 'where logs and checkpoints go (default .cache/cifar10-runs or $QLE_CACHE_DIR/cifar10-runs)', cacheDir('cifar10-runs'))
    .option('--data-dir <DIR>', 'CIFAR-10 cache (default .cache/cifar10 or $QLE_CACHE_DIR/cifar10)', cacheDir('cifar10'))
    .option('--time-unit <U>', 'scheduler clock: epoch (the paper) or step (the reference)', parseChoice('time-unit', ['epoch', 'step'] as const), Q.timeUnit)
    .option('--kappa <K>', 'κ: reference (64/24) or langevin (1/(24λ))', parseChoice('kappa', ['reference', 'langevin'] as const), Q.kappa)
    .option('--mode <M>', 'quantizer: round (the reference) or floor', parseChoice('mode', QUANT_MODES), Q.reading.mode)
    .option('--p0 <P>', 'initial index p_0', parseInteger('p0'), Q.schedule.p0)
    .option('--pmax <P>', 'index cap p_max', parseInteger('pmax'), Q.schedule.pMax)
    .option('--no-bound', 'switch B.2b off (the reference default)')
    .option('--no-avoid-vanishing', 'switch B.2a off')
    .option('--reading <R>', `B.2a reading (SPEC §7): ${READING_NAMES.join(', ')}; reference also means --no-bound and --time-unit step`, parseChoice('reading', READING_NAMES))
    .option('--per-tensor', 'one quantization index per tensor: the same as --reading per-tensor')
    .option('--adam-eps <E>', 'ADAM ε (paper 1e-8, reference 1e-6)', parseNumber('adam-eps', positive), ADAM_DEFAULTS.eps)
    .option('--reuse <RUN>', 'copy finished runs with an identical configuration (e.g. the SGD/ADAM baselines) from run RUN instead of retraining them')
    .option('--shard <K/N>', 'train only the K-th of N interleaved parts of the grid (run N processes with the same options to use N cores; rerun without --shard to render the whole report)', parseShard)
    .option('--backend <B>', `tfjs backend: ${BACKEND_CHOICES.join(', ')} (auto: tensorflow = @tensorflow/tfjs-node if installed, else wasm, else cpu; default ${BACKEND_ENV} or auto)`, parseChoice('backend', BACKEND_CHOICES))
    .option('--no-report', 'do not render the report after training')
    .option('--report-dir <DIR>', 'parent of the report directory', 'reports/cifar10')
    .option('--trace <FILE>', 'write a qle trace (format 2, sampled vectors) of every step of the run to FILE, for qle check: one quantized optimizer, one λ, one seed, a fresh run')
    .option('--dry-run', 'check the options and print the grid, then stop (nothing is loaded, trained or written)')
    .action(async (options: Cifar10Options) => {
      const plan = planFrom(options);
      const choice = userFacing(() => backendChoice(options.backend));
      checkFolders(options);
      if (options.trace !== undefined) {
        const cells = plan.optimizers.length * plan.lrs.length * plan.seeds.length;
        if (cells !== 1 || !plan.optimizers[0].startsWith('q')) throw new UsageError(`--trace traces one run of qsgd or qtadam: give one --optimizer (qsgd or qtadam), one --lr and --runs 1 (got ${cells} runs)`);
        checkOutputFile('trace', options.trace);
      }
      if (options.dryRun) {
        const cells = plan.optimizers.length * plan.lrs.length * plan.seeds.length;
        process.stdout.write(
          `cifar10 run ${plan.run}: ${cells} runs (${plan.optimizers.join(',')} × λ ${plan.lrs.join(',')} × seeds ${plan.seeds.join(',')}), ` +
            `${plan.epochs} epochs of ${plan.trainSubset} images; nothing trained (--dry-run)\n`,
        );
        return;
      }
      const missing = missingTfjsPackages();
      if (missing.length) throw new UsageError(`qle cifar10 needs TensorFlow.js, an optional peer dependency: npm install ${missing.join(' ')}`);
      // tfjs loads only here, so other qle commands (and --help) start without it.
      const { loadTf } = await import('../../tfjs/backend.ts');
      const { cellName, gridCells, lrLabel, runDirectory, runSweep, stepsPerEpoch, WHOLE_GRID, RunConflictError } = await import('../../tfjs/sweep.ts');
      const shard = options.shard ?? WHOLE_GRID;
      const cells = gridCells(plan, shard);
      const { readLog } = await import('../../tfjs/train.ts');
      const { backend } = await loadTf({ backend: choice }).catch((error: unknown) => {
        throw error instanceof BackendChoiceError ? new UsageError(error.message) : error;
      });
      const totalSteps = cells.length * plan.epochs * stepsPerEpoch(plan);
      const tty = Boolean(process.stderr.isTTY);
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'cifar10 {bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {cell}', hideCursor: tty, noTTYOutput: false },
        cliProgress.Presets.shades_classic,
      );
      // A resumed sweep starts the bar at the epochs already finished, so the ETA is for what is left.
      const finishedEpochs = cells.reduce(
        (sum, { optimizer, lr, seed }) => sum + Math.min(plan.epochs, readLog(join(runDirectory(options.runsDir, plan.run), `${cellName(optimizer, lr, seed)}.jsonl`)).length),
        0,
      );
      const finishedSteps = finishedEpochs * stepsPerEpoch(plan);
      if (tty) bar.start(totalSteps, finishedSteps, { cell: '' });
      try {
        await runSweep(plan, backend, options.runsDir, options.dataDir, {
          reportParent: options.reportDir,
          trace: options.trace,
          onCellStart: (name) => tty && bar.update({ cell: name }),
          onStep: () => tty && bar.increment(),
          onEpoch: (name, r) => {
            if (!tty) {
              process.stderr.write(
                `${new Date().toISOString()} ${name} epoch ${r.epoch}: loss ${r.loss.toFixed(4)} train ${(100 * r.trainAccuracy).toFixed(2)}% test ${(100 * r.testAccuracy).toFixed(2)}%` +
                  `${r.p === null ? '' : ` p ${r.p} vanishing ${r.vanishingFraction?.toFixed(3)} zero-updates ${r.zeroUpdateFraction?.toFixed(3)}`}${r.diverged ? ' DIVERGED' : ''} (${r.imagesPerSecond.toFixed(1)} img/s)\n`,
              );
            }
          },
        }, shard);
      } catch (error) {
        if (error instanceof Cifar10DataError) throw new UsageError(error.message, 1);
        if (error instanceof RunConflictError) throw new UsageError(error.message);
        throw error;
      } finally {
        if (tty) bar.stop();
      }
      const part = shard.count > 1 ? `shard ${shard.index}/${shard.count} of ` : '';
      process.stderr.write(`cifar10: ${part}run ${plan.run} finished (${plan.optimizers.join(',')} × λ ${plan.lrs.map(lrLabel).join(',')} × seeds ${plan.seeds.join(',')})\n`);
      if (options.report && shard.count > 1) {
        process.stderr.write(`cifar10: report not rendered by a shard; when every shard has finished, rerun the same command without --shard\n`);
      } else if (options.report) {
        const { renderReport } = await import('../../tfjs/report.ts');
        const dir = await renderReport(options.runsDir, plan.run, options.reportDir);
        process.stdout.write(`${dir}\n`);
      }
    });
}
