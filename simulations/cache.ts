/**
 * The per-cell cache that lets an interrupted report resume: one JSON file per finished cell,
 * named by a hash of the cell's configuration (seed included) and of the code that computes it.
 * A cell is either read back whole (same key, parseable, key inside matches) or recomputed: a
 * rerun never mixes results of different configurations or code versions.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellConfig, CellResult } from './cell.ts';
import { writeFileAtomic } from './report/write.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** TypeScript in a checkout, its compiled JavaScript in an installed package (dist/), never declarations. */
const isSource = (name: string) => (name.endsWith('.ts') && !name.endsWith('.d.ts')) || name.endsWith('.js');

/**
 * Source files whose content decides a cell's numbers: the core, the wasm kernels that run it (their
 * assembly sources and loaders; bit-identical to the core by test, hashed all the same) and the
 * simulation drivers (not tests, studies, rendering).
 */
function computingSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (!['report', 'studies'].includes(name)) walk(path);
      } else if (isSource(name) && !name.includes('test') && !name.startsWith('_')) {
        files.push(path);
      }
    }
  };
  walk(join(ROOT, 'src', 'core'));
  walk(join(ROOT, 'src', 'wasm'));
  walk(join(ROOT, 'simulations'));
  return files;
}

let version: string | undefined;

/** A hash of the computing sources: changes whenever code that could change a number changes. */
export function codeVersion(): string {
  if (version) return version;
  const hash = createHash('sha256');
  for (const file of computingSources()) {
    hash.update(relative(ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  version = hash.digest('hex').slice(0, 16);
  return version;
}

export function cellKey(cell: CellConfig): string {
  return createHash('sha256').update(JSON.stringify({ cell, code: codeVersion() })).digest('hex').slice(0, 32);
}

export class CellCache {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  read(cell: CellConfig): CellResult | undefined {
    const key = cellKey(cell);
    try {
      const stored = JSON.parse(readFileSync(this.path(key), 'utf8')) as { key: string; result: CellResult };
      return stored.key === key ? stored.result : undefined;
    } catch {
      return undefined; // missing or unreadable: recompute
    }
  }

  write(cell: CellConfig, result: CellResult): void {
    const key = cellKey(cell);
    writeFileAtomic(this.path(key), JSON.stringify({ key, cell, result }));
  }
}
