/**
 * A real client: examples/pytorch trains a tiny model with a PyTorch QSGD that writes qle traces.
 * The faithful optimizer passes `qle check`; the one with the reference's sum(dq) == 0 vanishing
 * test is flagged by rule b2a-all-zero on the line of the cancelling step, and nowhere else.
 *
 * Needs Debian's python3-torch at /usr/bin/python3 (.ci/run installs it). Without it the tests
 * fail in CI (CI=true) and are skipped, loudly, elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/checker.ts';
import { runQle } from '../cli/run.ts';

const PYTHON = '/usr/bin/python3';
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'pytorch', 'run_example.py');
const CANCEL_AT = 25;
const STEPS = 40;

const torchProbe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = torchProbe.status === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!hasTorch && !inCi) {
  console.warn(`SKIPPING the PyTorch client test: ${PYTHON} cannot import torch (apt-get install -y python3-torch)`);
}

describe.skipIf(!hasTorch && !inCi)('PyTorch QSGD client (examples/pytorch)', () => {
  let dir = '';

  beforeAll(() => {
    if (!hasTorch) throw new Error(`CI needs PyTorch: ${PYTHON} -c 'import torch' failed: ${torchProbe.stderr?.trim() || torchProbe.error}`);
    dir = mkdtempSync(join(tmpdir(), 'qle-pytorch-'));
    const run = spawnSync(PYTHON, [EXAMPLE, '--out-dir', dir, '--steps', String(STEPS), '--cancel-at', String(CANCEL_AT)], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`run_example.py failed (${run.status}): ${run.stderr}`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the faithful optimizer (all-zero vanishing test) passes every rule', async () => {
    const result = await checkFile(join(dir, 'faithful.jsonl'));
    expect(result.inputErrors).toEqual([]);
    expect(result.records).toBe(STEPS);
    expect(result.violations).toEqual([]);
    expect(result.exitCode).toBe(0);
    // The trace carries everything: every rule that needs h, hq, w got to check.
    for (const rule of ['quantize', 'error-bound', 'b2a-all-zero', 'on-grid', 'update', 'p-bound']) {
      expect(result.summary.find((s) => s.rule === rule)!.checked).toBeGreaterThanOrEqual(STEPS - 1);
    }
  });

  it('the faithful optimizer computing in float32, declared float32, passes too', async () => {
    const result = await checkFile(join(dir, 'faithful-float32.jsonl'));
    expect(result.header?.precision).toBe('float32');
    expect([result.exitCode, result.errorCount, result.records]).toEqual([0, 0, STEPS]);
  });

  it('the sum(hq) == 0 optimizer is flagged by b2a-all-zero on the cancelling step, exit 1', async () => {
    const result = await checkFile(join(dir, 'sum-test.jsonl'));
    const errors = result.violations.filter((v) => v.severity === 'error');
    expect(errors.map((v) => [v.rule, v.line, v.t])).toEqual([['b2a-all-zero', CANCEL_AT + 2, CANCEL_AT]]);
    expect(errors[0].message).toMatch(/sum to 0/);
    expect(result.exitCode).toBe(1);
  });

  it('the CLI gives the same verdict as exit code 1 and --json', () => {
    const sum = runQle(['check', '--json', join(dir, 'sum-test.jsonl')]);
    expect(sum.status).toBe(1);
    const report = JSON.parse(sum.stdout);
    expect(report.violations[0]).toMatchObject({ line: CANCEL_AT + 2, rule: 'b2a-all-zero', severity: 'error' });
  });
});
