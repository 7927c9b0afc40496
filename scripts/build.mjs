#!/usr/bin/env node
// npm run build (and prepack): compile src/ and simulations/ to dist/ with declarations, copy the
// JSON files the code reads at run time, and point declarations at .js files. Builds into a fresh
// folder and renames it into place, so an interrupted build never leaves a half-written dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const staging = join(root, `.dist-${process.pid}`);

/** Files read with readFileSync next to the compiled code (paths relative to the repo root). */
const ASSETS = ['schema/trace.schema.json', 'schema/trace-v2.schema.json', 'src/tfjs/paper-table1.json', 'src/wasm/kernels.wasm'];

function walk(dir, visit) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, visit);
    else visit(path);
  }
}

rmSync(staging, { recursive: true, force: true });
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', staging], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc exited with ${result.status ?? result.signal}`);
  for (const asset of ASSETS) cpSync(join(root, asset), join(staging, asset));
  // tsc rewrites relative .ts specifiers in .js output only; consumers' compilers read .d.ts.
  walk(staging, (path) => {
    if (!path.endsWith('.d.ts')) return;
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
    if (fixed !== text) writeFileSync(path, fixed);
  });
  rmSync(out, { recursive: true, force: true });
  renameSync(staging, out);
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
