/**
 * The Python package (python/, qle_torch) on real PyTorch: reference-style QtSGD and QtADAM traced
 * per tensor (format 2). Faithful ones pass `qle check`; the reference's sum(dq) == 0 test is
 * caught by b2a-all-zero naming the tensor whose step cancels (the classifier bias); the reference's
 * "while p <= p_max" cap by p-max, in one collapsed line.
 *
 * Runs /usr/bin/python3 with PYTHONPATH=python, so it tests the sources whether or not the package
 * is pip-installed. Without torch it fails in CI (CI=true) and is skipped, loudly, elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/checker.ts';
import { runQle } from '../cli/run.ts';

const PYTHON = '/usr/bin/python3';
const PACKAGE = join(import.meta.dirname, '..', '..', 'python');
const STEPS = 30;
const TENSORS = 5;

const torchProbe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = torchProbe.status === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!hasTorch && !inCi) console.warn(`SKIPPING the qle_torch package test: ${PYTHON} cannot import torch (apt-get install -y python3-torch)`);

describe.skipIf(!hasTorch && !inCi)('qle_torch: reference-style QtSGD and QtADAM on PyTorch', () => {
  let dir = '';

  beforeAll(() => {
    if (!hasTorch) throw new Error(`CI needs PyTorch: ${PYTHON} -c 'import torch' failed: ${torchProbe.stderr?.trim() || torchProbe.error}`);
    dir = mkdtempSync(join(tmpdir(), 'qle-torch-'));
    const run = spawnSync(PYTHON, [join(PACKAGE, 'examples', 'train_variants.py'), '--out-dir', dir, '--steps', String(STEPS)], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: PACKAGE },
    });
    if (run.status !== 0) throw new Error(`train_variants.py failed (${run.status}): ${run.stderr}`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, file] of [
    ['faithful QtSGD, sampled vectors', 'qtsgd.jsonl'],
    ['faithful QtADAM, vectors in a binary sidecar', 'qtadam.jsonl'],
  ]) {
    it(`${name}: exit 0, every tensor of every step checked`, async () => {
      const result = await checkFile(join(dir, file));
      expect(result.inputErrors).toEqual([]);
      expect(result.records).toBe(STEPS * TENSORS);
      expect(result.violations.filter((v) => v.severity === 'error')).toEqual([]);
      expect(result.exitCode).toBe(0);
      for (const rule of ['quantize', 'b2a-all-zero', 'b2a-missed', 'summary', 'update']) {
        expect(result.summary.find((s) => s.rule === rule)!.checked).toBeGreaterThanOrEqual(STEPS * TENSORS - TENSORS);
      }
    });
  }

  it('the sum(dq) == 0 test: exit 1, b2a-all-zero names the cancelling classifier bias', async () => {
    const result = await checkFile(join(dir, 'sum-test.jsonl'));
    const errors = result.violations.filter((v) => v.severity === 'error');
    expect(new Set(errors.map((v) => v.rule))).toEqual(new Set(['b2a-all-zero']));
    const first = errors[0];
    expect(first.tensor).toBe('3.bias');
    expect(first.message).toMatch(/non-zero components that sum to 0/);
    expect(result.exitCode).toBe(1);
  });

  it('the p <= p_max cap: exit 1 and one collapsed p-max line', () => {
    const run = runQle(['check', join(dir, 'pmax-cap.jsonl')]);
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n').filter((line) => line.includes('[p-max]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\[p-max\] \d+× \(first line 2, t=0, tensor 0\.weight; last line \d+, t=29, tensor 3\.bias/);
    const json = JSON.parse(runQle(['check', '--json', join(dir, 'pmax-cap.jsonl')]).stdout);
    expect(json.violations.length).toBe(json.groups[0].count);
    expect(json.violations.every((v: { rule: string }) => v.rule === 'p-max')).toBe(true);
  });
});
