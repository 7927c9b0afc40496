/**
 * The paper's Table 1 as data (src/tfjs/paper-table1.json) against the paper's own text: the
 * table's lines, copied verbatim into docs/paper-table1.txt, and (optionally) the whole extracted
 * paper named by QLE_PAPER_TEXT.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadPaperTable1, paperCell, parsePaperTable1 } from '../../src/tfjs/paper-table1.ts';

const EXCERPT = readFileSync(new URL('../../docs/paper-table1.txt', import.meta.url), 'utf8');
/** The full extracted paper is not part of the repository: when QLE_PAPER_TEXT names it, the excerpt is checked against it too. */
const PAPER = process.env.QLE_PAPER_TEXT;

describe("the paper's Table 1", () => {
  const table = loadPaperTable1();

  it('equals what parsePaperTable1 reads from the committed excerpt of the paper (docs/paper-table1.txt)', () => {
    expect(parsePaperTable1(EXCERPT)).toEqual(table);
  });

  it.skipIf(!PAPER)('the excerpt stands verbatim in the paper named by QLE_PAPER_TEXT, and the paper parses to the same table', () => {
    const paper = readFileSync(PAPER!, 'utf8');
    const tableLines = EXCERPT.split('\n').filter((line) => line.startsWith('|'));
    expect(tableLines.length).toBeGreaterThan(10);
    expect(paper).toContain(tableLines.join('\n'));
    expect(parsePaperTable1(paper)).toEqual(table);
  });

  it('has the nine learning rates 2^-2 … 2^-10 and the averages SPEC §8 quotes', () => {
    expect(table.rows.map((r) => r.lr)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => 2 ** -k));
    expect(table.average).toEqual({
      adam: { train: 91.11, test: 77.01 },
      qtadam: { train: 91.68, test: 77.79 },
      sgd: { train: 74.67, test: 63.91 },
      qsgd: { train: 74.68, test: 64.0 },
    });
    expect(paperCell(table, 'qsgd', 0.25)).toEqual({ train: 95.95, test: 77.27 });
  });

  it("its Average row is the mean of its rows (to the paper's rounding)", () => {
    for (const optimizer of table.optimizers) {
      for (const split of ['train', 'test'] as const) {
        const mean = table.rows.reduce((s, r) => s + r.cells[optimizer][split], 0) / table.rows.length;
        expect(Math.abs(mean - table.average[optimizer][split])).toBeLessThan(0.01);
      }
    }
  });

  it('the parser refuses a table with a missing row', () => {
    const text = EXCERPT.replace(/^\| 0\.125 \|.*\n/m, '');
    expect(text).not.toBe(EXCERPT);
    expect(() => parsePaperTable1(text)).toThrow(/8 learning-rate rows/);
  });
});
