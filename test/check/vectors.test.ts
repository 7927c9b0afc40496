/**
 * `qle vectors --out DIR` writes vectors that reload and re-verify against the core; a corrupted
 * value is caught; the learning runs pass `qle check` as traces; the edge cases are the ones the
 * SPEC names (ties, boundaries, non-binary grids, negative p, subnormals, the cancelling step).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkText } from '../../src/check/checker.ts';
import { nextUp } from '../../src/core/floats.ts';
import { verifyVectors, type VectorFiles } from '../../src/check/vectors.ts';
import { runQle } from '../cli/run.ts';

let dir = '';
let files: Pick<VectorFiles, 'quantizer' | 'schedule' | 'learning'>;
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qle-vectors-'));
  const result = runQle(['vectors', '--out', dir]);
  if (result.status !== 0) throw new Error(`qle vectors failed: ${result.stderr}`);
  files = { quantizer: load('quantizer.json'), schedule: load('schedule.json'), learning: load('learning.json') };
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('qle vectors', () => {
  it('writes the manifest and every file it lists, and nothing half-written', () => {
    const manifest = load('manifest.json');
    for (const file of manifest.files) expect(readFileSync(join(dir, file), 'utf8').length).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('reloaded from disk, every expected value re-verifies against the core', () => {
    expect(verifyVectors(files)).toEqual([]);
  });

  it('a corrupted value is caught (the verification can fail)', () => {
    const broken = structuredClone(files);
    (broken.quantizer.cases[5] as { xq: number }).xq = nextUp(broken.quantizer.cases[5].xq);
    broken.schedule.schedules[0].p[50] += 1;
    broken.learning.runs[0].steps[3].w[0] += 2 ** -20;
    expect(verifyVectors(broken)).toHaveLength(3);
  });

  it('covers the edge cases the SPEC names', () => {
    const cases = files.quantizer.cases;
    expect(cases.some((c) => c.note.startsWith('tie') && c.mode === 'round')).toBe(true);
    expect(cases.some((c) => c.note.startsWith('cell boundary'))).toBe(true);
    expect(cases.some((c) => c.eta !== 1 || ![2, 4, 8].includes(c.base))).toBe(true);
    expect(cases.some((c) => c.p < 0)).toBe(true);
    expect(cases.some((c) => c.x !== 0 && Math.abs(c.x) < 2 ** -1022)).toBe(true);
    expect(files.quantizer.rangeErrors.length).toBeGreaterThan(0);
    // Round is not odd-symmetric at ties (SPEC §1): the tie k + 1/2 goes up, 1 ulp below goes down.
    const tie = cases.find((c) => c.note === 'tie (1+1/2)/Q, nearest double' && c.eta === 1 && c.base === 2 && c.p === 5)!;
    const below = cases.find((c) => c.note === 'tie (1+1/2)/Q, 1 ulp below' && c.eta === 1 && c.base === 2 && c.p === 5)!;
    expect([tie.k, below.k]).toEqual([2, 1]);
  });

  it('the cancelling-step run has non-zero steps summing to 0 that B.2a correctly leaves alone', () => {
    const run = files.learning.runs.find((r) => r.name === 'cancelling-step')!;
    const cancelling = run.steps.filter((s) => s.dq.some((x) => x !== 0) && s.dq.reduce((a, b) => a + b, 0) === 0);
    expect(cancelling.length).toBeGreaterThanOrEqual(3);
    const start = (i: number) => (i === 0 ? run.params.p0 : run.steps[i - 1].pNext);
    for (const step of cancelling) expect(step.p).toBe(start(run.steps.indexOf(step)));
    expect(run.steps.some((s, i) => s.p > start(i))).toBe(true); // and one genuine B.2a raise
  });

  it('each learning run, written as a trace, passes qle check', () => {
    for (const name of readdirSync(join(dir, 'traces'))) {
      const result = checkText(readFileSync(join(dir, 'traces', name), 'utf8'));
      expect([name, result.exitCode, result.errorCount]).toEqual([name, 0, 0]);
    }
  });
});
