/** Issue 3, determinism: a small study regenerated from its seed is byte-identical, for 1 or 2 worker threads. */
import { describe, expect, it } from 'vitest';
import { runReport } from './report.ts';
import { SMALL, snapshot, tempDir } from './test-helpers.ts';

describe('report determinism', () => {
  it('the same seed gives byte-identical report.md and results.json in-process, on 1 and on 2 worker threads', async () => {
    const dirs = [tempDir('det0'), tempDir('det1'), tempDir('det2')];
    const runs = await Promise.all([0, 1, 2].map((workers, i) => runReport({ ...SMALL, workers, outDir: dirs[i], cacheDir: null })));
    const [inProcess, oneWorker, twoWorkers] = dirs.map((d) => snapshot(d));
    expect(Object.keys(inProcess)).toEqual(['report.md', 'results.json', 'summary.csv']);
    expect(oneWorker).toEqual(inProcess);
    expect(twoWorkers).toEqual(inProcess);
    expect(runs.map((r) => r[0].execution.computed)).toEqual([12, 12, 12]);
    // The report is about the runs it says it ran.
    const results = JSON.parse(inProcess['results.json']);
    expect(results.cells).toHaveLength(12);
    for (const cell of results.cells) expect(cell.result.evaluationsPerRun).toBe(400);
  });

  it('a different seed changes the numbers (the comparison above can fail)', async () => {
    const [a, b] = [tempDir('seedA'), tempDir('seedB')];
    await runReport({ ...SMALL, workers: 0, outDir: a, cacheDir: null, optimizers: ['sa'] });
    await runReport({ ...SMALL, workers: 0, outDir: b, cacheDir: null, optimizers: ['sa'], seed: 12345 });
    const parse = (dir: string) => JSON.parse(snapshot(dir)['results.json']).cells.map((c: { result: unknown }) => c.result);
    expect(parse(a)).not.toEqual(parse(b));
  });
});

describe('results.json schema', () => {
  it('a generated results.json validates against simulations/results.schema.json, and a damaged one does not', async () => {
    const { Ajv } = await import('ajv');
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(readFileSync(new URL('./results.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const dir = tempDir('schema');
    await runReport({ ...SMALL, optimizers: ['gd', 'qsgd-lgv', 'sa'], workers: 0, outDir: dir, cacheDir: null });
    const document = JSON.parse(snapshot(dir)['results.json']);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    document.cells[0].result.final.rateDelta.upper = 1.5;
    expect(validate(document)).toBe(false);
  });
});
