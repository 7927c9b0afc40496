/**
 * The paper's Table 1 (top-1 train/test accuracy, ResNet-32 on CIFAR-10, 10 runs × 100 epochs),
 * as data: paper-table1.json was transcribed once from the paper's extracted text by
 * parsePaperTable1, and test/cifar10/paper-table.test.ts checks the two still agree wherever that
 * text is available (it is not redistributed with qle; QLE_PAPER_TEXT names its path).
 */
import { readFileSync } from 'node:fs';
import type { OptimizerName } from './optimizers.ts';

export interface PaperCell {
  readonly train: number;
  readonly test: number;
}

export interface PaperTable1 {
  readonly source: string;
  /** Column order of the paper's table. */
  readonly optimizers: OptimizerName[];
  readonly rows: { readonly lr: number; readonly cells: Record<OptimizerName, PaperCell> }[];
  readonly average: Record<OptimizerName, PaperCell>;
}

const COLUMN: Record<string, OptimizerName> = { ADAM: 'adam', QtADAM: 'qtadam', SGD: 'sgd', QSGD: 'qsgd' };

/** Parse Table 1 from the paper's extracted text (markdown-like rows "| 0.25 | 78.73 | … |"). */
export function parsePaperTable1(text: string): PaperTable1 {
  const lines = text.split('\n');
  const header = lines.findIndex((line) => /^\|\s*ADAM\s*\|\s*QtADAM\s*\|\s*SGD\s*\|\s*QSGD\s*\|/.test(line));
  if (header < 0) throw new Error('Table 1 header (| ADAM | QtADAM | SGD | QSGD |) not found');
  const optimizers = lines[header]
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s in COLUMN)
    .map((s) => COLUMN[s]);
  const rows: PaperTable1['rows'][number][] = [];
  let average: PaperTable1['average'] | undefined;
  for (const line of lines.slice(header + 1)) {
    if (!line.startsWith('|')) break;
    const fields = line.split('|').map((s) => s.trim()).filter((s) => s !== '');
    const numbers = fields.slice(1).map(Number);
    if (numbers.length !== 8 || numbers.some((n) => !Number.isFinite(n))) continue;
    const cells = Object.fromEntries(optimizers.map((o, i) => [o, { train: numbers[2 * i], test: numbers[2 * i + 1] }])) as Record<OptimizerName, PaperCell>;
    if (fields[0] === 'Average') average = cells;
    else rows.push({ lr: Number(fields[0]), cells });
  }
  if (!average || rows.length !== 9) throw new Error(`Table 1: found ${rows.length} learning-rate rows${average ? '' : ' and no Average row'}, expected 9 and an Average`);
  return { source: 'Seok & Kim, Table 1 (paper.txt)', optimizers, rows, average };
}

const TABLE_URL = new URL('./paper-table1.json', import.meta.url);

export function loadPaperTable1(): PaperTable1 {
  return JSON.parse(readFileSync(TABLE_URL, 'utf8')) as PaperTable1;
}

/** The paper's cell for a learning rate (matched to within 1e-9 relative), or undefined. */
export function paperCell(table: PaperTable1, optimizer: OptimizerName, lr: number): PaperCell | undefined {
  const row = table.rows.find((r) => Math.abs(r.lr - lr) <= 1e-9 * lr);
  return row?.cells[optimizer];
}
