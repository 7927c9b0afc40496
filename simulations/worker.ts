/** A worker thread: runs the cells it is sent, one at a time, and posts each result back. */
import { parentPort } from 'node:worker_threads';
import type { CellConfig } from './cell.ts';
import { ensureCellPlugins } from './plugins.ts';
import { runCell } from './runner.ts';

parentPort!.on('message', async (message: { id: number; cell: CellConfig }) => {
  try {
    // A plug-in objective or optimizer travels as its source: load it here before the cell runs.
    await ensureCellPlugins(message.cell);
    parentPort!.postMessage({ id: message.id, result: runCell(message.cell) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
