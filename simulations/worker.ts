/** A worker thread: runs the cells it is sent, one at a time, and posts each result back. */
import { parentPort } from 'node:worker_threads';
import type { CellConfig } from './cell.ts';
import { runCell } from './runner.ts';

parentPort!.on('message', (message: { id: number; cell: CellConfig }) => {
  try {
    parentPort!.postMessage({ id: message.id, result: runCell(message.cell) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
