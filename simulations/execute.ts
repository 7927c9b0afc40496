/**
 * Runs a list of cells, in process or on worker threads, with the per-cell cache and a progress
 * bar. Cells are the unit of work and every cell's numbers depend only on its own configuration,
 * so results are the same for any number of workers; they are returned in cell order.
 */
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import type { CellConfig, CellResult } from './cell.ts';
import type { CellCache } from './cache.ts';
import { runCell } from './runner.ts';

export interface ExecuteOptions {
  /** 0: run in this thread; n ≥ 1: n worker threads. */
  readonly workers: number;
  readonly cache?: CellCache;
  /** false: ignore finished cells in the cache (start clean) but still store new ones. */
  readonly readCache?: boolean;
  /** Label of the progress bar; the bar shows only when stderr is a terminal. */
  readonly label?: string;
  /** Called after each finished (computed, not cached) cell, in completion order. */
  readonly onCellDone?: (cell: CellConfig) => void;
}

export interface Execution {
  readonly results: CellResult[];
  readonly cached: number;
  readonly computed: number;
  /** Particle-steps (runs × evaluations) computed in this execution, and the wall time in ms. */
  readonly particleSteps: number;
  readonly milliseconds: number;
}

/** Work of a cell in particle-steps, weighted by dimension for scheduling and progress. */
function workOf(cell: CellConfig): number {
  return cell.runs * cell.steps * (1 + cell.problem.dims / 4);
}

function progressBar(label: string, total: number): cliProgress.SingleBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {cells} cells`,
      etaBuffer: 20,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { cells: '0/0' });
  return bar;
}

export async function executeCells(cells: readonly CellConfig[], options: ExecuteOptions): Promise<Execution> {
  const started = performance.now();
  const results: (CellResult | undefined)[] = cells.map((cell) => (options.readCache === false ? undefined : options.cache?.read(cell)));
  const pending = cells.map((_, i) => i).filter((i) => results[i] === undefined);
  const cached = cells.length - pending.length;
  // Largest cells first: better balance across workers; order does not change any number.
  pending.sort((a, b) => workOf(cells[b]) - workOf(cells[a]) || a - b);
  const total = pending.reduce((sum, i) => sum + workOf(cells[i]), 0);
  const bar = pending.length ? progressBar(options.label ?? 'cells', total) : undefined;
  let done = 0;
  let doneWork = 0;
  const finish = (i: number, result: CellResult) => {
    results[i] = result;
    options.cache?.write(cells[i], result);
    done += 1;
    doneWork += workOf(cells[i]);
    bar?.update(doneWork, { cells: `${done}/${pending.length}` });
    options.onCellDone?.(cells[i]);
  };
  try {
    if (options.workers <= 0) {
      for (const i of pending) finish(i, runCell(cells[i]));
    } else {
      await runOnWorkers(cells, pending, Math.min(options.workers, Math.max(1, pending.length)), finish);
    }
  } finally {
    bar?.stop();
  }
  const particleSteps = pending.reduce((sum, i) => sum + cells[i].runs * cells[i].steps, 0);
  return { results: results as CellResult[], cached, computed: pending.length, particleSteps, milliseconds: performance.now() - started };
}

async function runOnWorkers(
  cells: readonly CellConfig[],
  queue: readonly number[],
  count: number,
  finish: (i: number, result: CellResult) => void,
): Promise<void> {
  if (queue.length === 0) return;
  // From TypeScript sources (a checkout) the worker needs tsx's loader; compiled (dist/), it does not.
  const entry = import.meta.url.endsWith('.ts') ? new URL('./worker-entry.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(entry));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= queue.length) return resolve();
              const id = queue[next++];
              worker.postMessage({ id, cell: cells[id] });
            };
            worker.on('message', (message: { id: number; result?: CellResult; error?: string }) => {
              if (message.error !== undefined) return reject(new Error(`cell ${message.id}: ${message.error}`));
              finish(message.id, message.result!);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
