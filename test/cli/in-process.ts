/**
 * Run the qle CLI inside the test process: the real `main` (src/cli/main.ts) with stdout, stderr,
 * stdin, process.exit and the working folder swapped for the call. A spawn costs ~0.5 s through
 * tsx; this costs milliseconds, so the argv fuzz can afford many runs. Calls must not overlap
 * (vitest runs the tests of one file one after another).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliResult } from './run.ts';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Thrown by the stand-in process.exit so that the command stops where it would have exited. */
class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

let loaded: Promise<(argv: string[]) => Promise<void>> | undefined;

function loadMain(): Promise<(argv: string[]) => Promise<void>> {
  // Tells main.ts not to run on import (nor install its process-wide handlers); unset after, so
  // CLIs that tests spawn still run.
  loaded ??= (async () => {
    process.env.QLE_CLI_IN_PROCESS = '1';
    try {
      return (await import('../../src/cli/main.ts')).main;
    } finally {
      delete process.env.QLE_CLI_IN_PROCESS;
    }
  })();
  return loaded;
}

export interface InProcessOptions {
  /** Working folder of the call (relative paths and default outputs land here). */
  readonly cwd: string;
  readonly stdin?: string;
  /** Extra environment for the call (restored afterwards). */
  readonly env?: Record<string, string>;
}

export async function runInProcess(args: string[], options: InProcessOptions): Promise<CliResult> {
  const main = await loadMain();
  const stdout: string[] = [];
  const stderr: string[] = [];
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    exit: process.exit,
    exitCode: process.exitCode,
    cwd: process.cwd(),
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin')!,
    env: Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]])),
  };
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as typeof process.stdout.write;
  let status: number;
  try {
    process.stdout.write = capture(stdout);
    process.stderr.write = capture(stderr);
    process.exit = ((code?: number) => {
      throw new ExitSignal(code ?? Number(process.exitCode ?? 0));
    }) as typeof process.exit;
    process.exitCode = undefined;
    Object.assign(process.env, options.env ?? {});
    Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(options.stdin ?? '')]), configurable: true });
    process.chdir(options.cwd);
    try {
      await main(args);
      status = Number(process.exitCode ?? 0);
    } catch (error) {
      if (!(error instanceof ExitSignal)) throw error;
      status = error.code;
    }
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    Object.defineProperty(process, 'stdin', saved.stdin);
    for (const [key, value] of Object.entries(saved.env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.chdir(saved.cwd);
  }
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** A scratch folder for a test file, removed by `remove`. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `qle-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Every path under the repository with its size and modification time, except node_modules, .git
 * and what is inside .cache (other test files fill caches concurrently): a command that writes
 * outside its scratch folder changes this.
 */
export function repositoryFingerprint(): string {
  const lines: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir).sort()) {
      if (depth === 0 && (name === 'node_modules' || name === '.git')) continue;
      const path = join(dir, name);
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info) continue;
      lines.push(`${relative(ROOT, path)} ${info.isDirectory() ? 'dir' : `${info.size} ${info.mtimeMs}`}`);
      if (info.isDirectory() && !(depth === 0 && name === '.cache')) walk(path, depth + 1);
    }
  };
  walk(ROOT, 0);
  return lines.join('\n');
}

/** What every qle failure must look like: one line `qle: …`, no stack trace, no "internal error". */
export function problemsWith(result: CliResult): string[] {
  const problems: string[] = [];
  if (result.status === null || ![0, 1, 2].includes(result.status)) problems.push(`exit ${result.status}`);
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  if (/^\s+at |\n\s+at |Error:|node:internal/.test(result.stderr)) problems.push('stack trace on stderr');
  if (/internal error/.test(result.stderr)) problems.push('internal error');
  // A failure says why in at most one line (check's verdicts, exit 1 or 2, go to stdout instead).
  if (result.status !== 0) {
    if (lines.length > 1) problems.push(`${lines.length} stderr lines`);
    else if (lines.length === 1 && !lines[0].startsWith('qle: ')) problems.push('stderr line does not start with "qle: "');
  }
  return problems;
}
