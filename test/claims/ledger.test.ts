/**
 * The claims ledger decides its verdicts from the results files on disk: synthetic files in a
 * temporary reports directory, and the verdict changes when the numbers in them change (so a
 * typed-in verdict would fail these tests).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAM_DEFAULTS } from '../../src/core/learning.ts';
import { READINGS } from '../../src/core/reading.ts';
import { buildClaims, claimsMarkdown, GLOBAL_MINIMA_PAIRS, ledgerRoot, writeClaims } from '../../src/claims/ledger.ts';
import { HEADLINE_PAIRS } from '../../simulations/studies/headline.ts';
import { cellName, DEFAULT_QUANTIZATION, type OptimizerName } from '../../src/tfjs/names.ts';
import type { Manifest } from '../../src/tfjs/sweep.ts';

/** Every temporary reports directory a test made: removed after the file's tests. */
const roots: string[] = [];
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qle-claims-'));
  roots.push(dir);
  return dir;
}

function write(dir: string, path: string, value: unknown): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), typeof value === 'string' ? value : JSON.stringify(value));
}

function spec(denseHolds = true) {
  const wnh = (spreadCells: number, holds: boolean) => ({
    mode: 'round',
    p: 8,
    inputs: 'x',
    spreadCells,
    n: 10,
    varianceRatio: holds ? 1 : 0.5,
    varianceZ: 0,
    ksP: 0.5,
    chiSquareP: 0.5,
    lag1: 0,
    vanishing: 0,
    holds,
  });
  return {
    schema: 'qle-spec-evidence',
    version: 1,
    command: 'c',
    seed: 1,
    verdict: [],
    wnh: { cases: [wnh(1000, denseHolds), wnh(2, true), wnh(0.1, false)], vanishing: [{ p: 8, n: 10, zeroShare: 1, maxDeviation: 0 }] },
    langevin: [
      { lambda: 0.0625, rate: 0.5, p: 8, noiseCells: 0, runs: 10, measured: 3, standardError: 0.1, predicted: 1, z: 20, stoppedRuns: 10 },
      { lambda: 0.0625, rate: 0.5, p: 8, noiseCells: 1, runs: 10, measured: 1, standardError: 0.1, predicted: 1, z: 0.3, stoppedRuns: 0 },
    ],
    scheduler: [
      { C: 1e-6, kappa: 'k', beta: 20, p0: 0, precondition: true, steps: 100, minMargin: 1.04, violations: 0, finalTemperature: 1, initialTemperature: 1 },
    ],
    b2a: [{ step: 2 ** -13, pBefore: 0, pAfter: 12, pInf: 0.41, margin: 0.44 }],
  };
}

function family(id: string, subject: string, other: string, decisions: ('higher' | 'lower' | 'indistinguishable')[]) {
  return {
    id,
    subject,
    other,
    measure: 'basin',
    entries: decisions.map((decision, i) => ({
      group: `g${i}`,
      runs: 100,
      subjectRate: decision === 'higher' ? 0.6 : 0.4,
      otherRate: decision === 'lower' ? 0.6 : 0.4,
      onlySubject: decision === 'higher' ? 20 : 0,
      onlyOther: decision === 'lower' ? 20 : 0,
      p: decision === 'indistinguishable' ? 1 : 1e-6,
      pHolm: decision === 'indistinguishable' ? 1 : 1e-5,
      decision,
    })),
  };
}

/** A headline results file holding the families the global-minima claim reads, decisions[i] for the i-th. */
function headline(decisions: ('higher' | 'lower' | 'indistinguishable')[][]) {
  const pairs = GLOBAL_MINIMA_PAIRS;
  return {
    study: 'headline',
    command: 'c',
    verdict: [],
    options: { runs: 100, steps: 10000, full: false },
    cells: [],
    comparisons: pairs.map(([s, o], i) => family(`headline/${s}-vs-${o}`, s, o, decisions[i] ?? ['indistinguishable'])),
  };
}

function theorem(noisyRises: boolean) {
  const rise = (name: string, pattern: ('higher' | 'indistinguishable')[]) => {
    const f = family(`theorem/rise/${name}`, name, name, pattern);
    return { ...f, entries: f.entries.map((e, i) => ({ ...e, group: `c/Δ = ${[0.25, 0.5, 1, 2, 4][i]}` })) };
  };
  const seen: ('higher' | 'indistinguishable')[] = ['indistinguishable', 'indistinguishable', 'higher', 'higher', 'higher'];
  const flat: ('higher' | 'indistinguishable')[] = ['indistinguishable', 'indistinguishable', 'indistinguishable', 'indistinguishable', 'indistinguishable'];
  const cell = (optimizer: string, passages: (number | null)[]) => ({
    config: { optimizer, runs: passages.length, labels: { design: 'shallow' }, spec: { kind: optimizer === 'langevin' ? 'langevin' : 'proposed' } },
    result: { basin: { firstPassage: passages }, quantization: null },
  });
  return {
    study: 'theorem',
    command: 'c',
    verdict: [],
    options: { runs: 3, steps: 100000, full: true },
    comparisons: [rise('langevin', seen), rise('qsgd-lgv', flat), rise('qtadam-lgv', flat), rise('qsgd-lgv-noise', noisyRises ? seen : flat), rise('sa', seen)],
    cells: [cell('qsgd-lgv', [null, null, null]), cell('langevin', [5, null, 90])],
  };
}

/** A CIFAR-10 report directory: manifest, per-seed logs, results.json. `shift` is QSGD − SGD in points, per seed. */
function cifarRun(dir: string, name: string, reading: 'paper' | 'reference', shift: number[]) {
  const manifest: Manifest = {
    run: name,
    model: 'mlp',
    optimizers: ['qsgd', 'sgd'],
    lrs: [2 ** -6],
    seeds: [1, 2, 3],
    epochs: 1,
    batch: 128,
    trainSubset: 6144,
    testSubset: 2000,
    shuffle: false,
    quantization: { ...DEFAULT_QUANTIZATION, reading: READINGS[reading] },
    adam: ADAM_DEFAULTS,
    backend: 'cpu',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  write(dir, `cifar10/${name}/manifest.json`, manifest);
  write(dir, `cifar10/${name}/results.json`, { summaries: [] });
  const log = (test: number) => `${JSON.stringify({ epoch: 1, loss: 1, trainAccuracy: test, testAccuracy: test, diverged: false })}\n`;
  [1, 2, 3].forEach((seed, i) => {
    const base = 0.3 + 0.05 * i;
    for (const [optimizer, test] of [
      ['sgd', base],
      ['qsgd', base + shift[i] / 100],
    ] as [OptimizerName, number][]) {
      write(dir, `cifar10/${name}/logs/${cellName(optimizer, 2 ** -6, seed)}.jsonl`, log(test));
    }
  });
}

const verdictOf = (dir: string, id: string) => buildClaims(dir).claims.find((c) => c.id === id)!.verdict;

describe('claims ledger', () => {
  it('without results files every claim says "no evidence"', () => {
    const dir = root();
    expect(buildClaims(dir).claims.map((c) => c.verdict)).toEqual(Array(7).fill('no evidence'));
  });

  it('spec evidence: WNH supported when every dense case holds, refuted when one does not; Langevin reading depends on the gradient; B.2a refuted', () => {
    const dir = root();
    write(dir, 'spec/results.json', spec(true));
    expect(verdictOf(dir, 'wnh')).toBe('supported');
    expect(verdictOf(dir, 'langevin-temperature')).toBe('depends on the reading');
    expect(verdictOf(dir, 'scheduler')).toBe('supported');
    expect(verdictOf(dir, 'b2a-b2b')).toBe('refuted');
    write(dir, 'spec/results.json', spec(false));
    expect(verdictOf(dir, 'wnh')).toBe('refuted');
  });

  it('global minima reads families the headline study writes: each a proposed variant against a plain peer', () => {
    expect(GLOBAL_MINIMA_PAIRS.length).toBeGreaterThan(0);
    for (const pair of GLOBAL_MINIMA_PAIRS) {
      expect(HEADLINE_PAIRS).toContainEqual(pair);
      expect(pair[0]).toMatch(/^q(sgd|tadam)-/);
      expect(['gd', 'sgd', 'adam']).toContain(pair[1]);
    }
  });

  it('global minima: all indistinguishable → not supported at this scale; higher nowhere lower → supported; mixed → depends; lower only → refuted', () => {
    const dir = root();
    write(dir, 'headline/results.json', headline([]));
    expect(verdictOf(dir, 'global-minima')).toBe('not supported at this scale');
    write(dir, 'headline/results.json', headline(Array(GLOBAL_MINIMA_PAIRS.length).fill(['higher', 'indistinguishable'])));
    expect(verdictOf(dir, 'global-minima')).toBe('supported');
    write(dir, 'headline/results.json', headline([['higher'], ['lower']]));
    expect(verdictOf(dir, 'global-minima')).toBe('depends on the reading');
    write(dir, 'headline/results.json', headline([['lower'], ['indistinguishable', 'lower']]));
    expect(verdictOf(dir, 'global-minima')).toBe('refuted');
  });

  it('Theorem 3.1: the --full study is preferred; noisy rise without exact-gradient rise → depends on the reading; no noisy rise but Langevin → refuted', () => {
    const dir = root();
    write(dir, 'theorem/results.json', { ...theorem(false), options: { runs: 1, steps: 10, full: false } });
    write(dir, 'full/theorem/results.json', theorem(true));
    const claim = buildClaims(dir).claims.find((c) => c.id === 'theorem-3.1')!;
    expect(claim.verdict).toBe('depends on the reading');
    expect(claim.evidence[0].path).toBe('full/theorem/report.md');
    write(dir, 'full/theorem/results.json', theorem(false));
    expect(verdictOf(dir, 'theorem-3.1')).toBe('refuted');
  });

  it('Table 1: paired over seeds per reading at the largest scale; readings that disagree → depends on the reading', () => {
    const dir = root();
    cifarRun(dir, 'a-paper', 'paper', [-5, -5.5, -4.5]);
    expect(verdictOf(dir, 'table-1')).toBe('refuted');
    cifarRun(dir, 'b-reference', 'reference', [3, 3.5, 2.5]);
    const claim = buildClaims(dir).claims.find((c) => c.id === 'table-1')!;
    expect(claim.verdict).toBe('depends on the reading');
    expect(claim.numbers.join('\n')).toMatch(/QSGD − SGD, reading reference, clock per \w+ \[b-reference\]: average \+3\.00 points .* \(t_2 = 4\.30/);
    // A shift the seeds' spread cannot resolve with 2 degrees of freedom.
    cifarRun(dir, 'b-reference', 'reference', [3, -2, 0.5]);
    expect(buildClaims(dir).claims.find((c) => c.id === 'table-1')!.reason).toMatch(/QSGD ≥ SGD: depends on the reading/);
  });

  it('writes CLAIMS.md with a summary table first and claims.json; the ledger of reports/full is reports/', () => {
    const dir = root();
    write(dir, 'spec/results.json', spec(true));
    writeClaims(dir);
    const md = claimsMarkdown(buildClaims(dir));
    expect(md.split('\n').findIndex((l) => l.startsWith('| [wnh]'))).toBeLessThan(12);
    expect(md).toMatch(/\*\*Verdict: supported\.\*\*/);
    expect(ledgerRoot(join('reports', 'full'))).toBe('reports');
    expect(ledgerRoot('reports')).toBe('reports');
  });
});
