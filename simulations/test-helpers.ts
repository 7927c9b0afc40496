/** Shared by the simulation tests: temp dirs, a small study request, reading a report directory. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ReportRequest } from './report.ts';

const created: string[] = [];

// Every test file that makes temp dirs through tempDir removes them when it ends.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `qle-${prefix}-`));
  created.push(dir);
  return dir;
}

/** A small headline study: 2 problems × 5 optimizers (one of each family), 8 runs × 400 steps. */
export const SMALL: ReportRequest = {
  studies: ['headline'],
  runs: 8,
  steps: 400,
  objectives: ['double-well', 'six-hump-camel'],
  optimizers: ['gd', 'sgd', 'qsgd-p8', 'qtadam-lgv', 'langevin', 'sa'],
  figures: false,
};

/** name → bytes of every file under dir/study (temporary files included, so leftovers show). */
export function snapshot(dir: string, study = 'headline'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, study)).sort()) out[name] = readFileSync(join(dir, study, name), 'utf8');
  return out;
}
