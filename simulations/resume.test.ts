/**
 * Issue 3, faults: an interrupted report leaves no half-written file, and a rerun resumes finished
 * cells from the per-cell cache (or recomputes them) without ever mixing configurations.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runReport } from './report.ts';
import { SMALL, snapshot, tempDir } from './test-helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('report resume', () => {
  it('a partial or damaged cache is resumed cell by cell and gives the clean result', async () => {
    const clean = tempDir('clean');
    await runReport({ ...SMALL, workers: 0, outDir: clean, cacheDir: null });
    const cache = tempDir('cache');
    const out = tempDir('out');
    const first = await runReport({ ...SMALL, workers: 0, outDir: out, cacheDir: cache });
    expect(first[0].execution).toMatchObject({ cached: 0, computed: 12 });
    const files = readdirSync(cache).sort();
    expect(files).toHaveLength(12);
    // Lose five cells, truncate one (a cell written by a killed run), and leave a stray temp file.
    for (const name of files.slice(0, 5)) rmSync(join(cache, name));
    writeFileSync(join(cache, files[5]), readFileSync(join(cache, files[5]), 'utf8').slice(0, 100));
    writeFileSync(join(cache, `${files[6]}.123.tmp`), '{"key":');
    rmSync(out, { recursive: true });
    const second = await runReport({ ...SMALL, workers: 0, outDir: out, cacheDir: cache });
    expect(second[0].execution).toMatchObject({ cached: 6, computed: 6 });
    expect(snapshot(out)).toEqual(snapshot(clean));
    // A changed configuration (here the seed) shares no cell with the cache: nothing is reused.
    const other = await runReport({ ...SMALL, workers: 0, outDir: tempDir('other'), cacheDir: cache, seed: 99 });
    expect(other[0].execution).toMatchObject({ cached: 0, computed: 12 });
    // --fresh ignores finished cells.
    const fresh = await runReport({ ...SMALL, workers: 0, outDir: tempDir('fresh'), cacheDir: cache, fresh: true });
    expect(fresh[0].execution).toMatchObject({ cached: 0, computed: 12 });
  });

  it('a killed report run leaves no report file; the rerun resumes and matches a clean run', async () => {
    const request = { ...SMALL, runs: 16, steps: 3000 };
    const clean = tempDir('kill-clean');
    await runReport({ ...request, workers: 0, outDir: clean, cacheDir: null });
    const cache = tempDir('kill-cache');
    const out = tempDir('kill-out');
    const args = [
      '--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'report', 'headline',
      '--runs', String(request.runs), '--steps', String(request.steps),
      '--objectives', request.objectives!.join(','), '--optimizers', request.optimizers!.join(','),
      '--workers', '1', '--no-figures', '--out', out, '--cache', cache,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill it as soon as some, but not all, cells are cached.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const done = readdirSync(cache).filter((f) => f.endsWith('.json')).length;
      if (done >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const cachedBefore = readdirSync(cache).filter((f) => f.endsWith('.json')).length;
    expect(cachedBefore).toBeGreaterThanOrEqual(1);
    expect(cachedBefore).toBeLessThan(12);
    expect(existsSync(join(out, 'headline', 'report.md'))).toBe(false);
    expect(existsSync(join(out, 'headline', 'results.json'))).toBe(false);
    const rerun = await runReport({ ...request, workers: 0, outDir: out, cacheDir: cache });
    expect(rerun[0].execution.cached).toBe(cachedBefore);
    expect(rerun[0].execution.computed).toBe(12 - cachedBefore);
    expect(snapshot(out)).toEqual(snapshot(clean));
  });
});
