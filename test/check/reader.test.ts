/** Malformed input: every kind is reported with its line number and exit code 2, never a throw. */
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/check/checker.ts';
import { LineSplitter, splitLines } from '../../src/check/lines.ts';
import { joinLines, sampleLines } from './fixtures.ts';

const good = sampleLines({ steps: 10 });
const header = good[0];
const record = (t: number) => good[t + 1];

function firstError(text: string) {
  const result = checkText(text);
  expect(result.exitCode).toBe(2);
  return result.inputErrors[0];
}

describe('malformed input → line-numbered error, exit 2', () => {
  const cases: [string, string, number, RegExp][] = [
    ['empty file', '', 1, /empty trace/],
    ['only blank lines', '\n\n  \n', 1, /empty trace/],
    ['header only', `${header}\n`, 2, /no records/],
    ['broken JSON', joinLines([header, record(0), '{"t": 1, "p":', record(2)]), 3, /not valid JSON/],
    ['truncated last line', `${header}\n${record(0)}\n${record(1).slice(0, 25)}`, 3, /truncated last line/],
    ['NaN', joinLines([header, record(0).replace(/"loss":[^}]*/, '"loss":NaN')]), 2, /NaN or Infinity/],
    ['Infinity', joinLines([header, record(0).replace(/"loss":[^}]*/, '"loss":-Infinity')]), 2, /NaN or Infinity/],
    ['1e999 (parses to Infinity)', joinLines([header, record(0).replace(/"loss":[^}]*/, '"loss":1e999')]), 2, /field "loss" must be number/],
    ['missing t', joinLines([header, JSON.stringify({ p: 3 })]), 2, /missing field "t"/],
    ['missing p and Q', joinLines([header, JSON.stringify({ t: 0 })]), 2, /needs field "p" or "Q"/],
    ['mistyped p', joinLines([header, JSON.stringify({ t: 0, p: '3' })]), 2, /field "p" must be integer/],
    ['fractional t', joinLines([header, JSON.stringify({ t: 0.5, p: 3 })]), 2, /field "t" must be integer/],
    ['string inside h', joinLines([header, JSON.stringify({ t: 0, p: 3, h: [1, 'x'] })]), 2, /field "h.1" must be number/],
    ['a record that is an array', joinLines([header, '[1,2,3]']), 2, /line must be object/],
    ['h and hq lengths differ', joinLines([header, JSON.stringify({ t: 0, p: 3, h: [1, 2], hq: [1] })]), 2, /h has 2 components but hq has 1/],
    ['Q off the lattice', joinLines([header, JSON.stringify({ t: 0, Q: 3 })]), 2, /Q = 3 is not/],
    ['p and Q disagree', joinLines([header, JSON.stringify({ t: 0, p: 3, Q: 16 })]), 2, /disagree/],
    ['p out of the grid range', joinLines([header.replace('"base":2', '"base":3'), JSON.stringify({ t: 0, p: 999 })]), 2, /outside 2\^±1000/],
    ['weights change size', joinLines([header, JSON.stringify({ t: 0, p: 3, w: [0] }), JSON.stringify({ t: 1, p: 3, w: [0, 0] })]), 3, /earlier records had 1/],
    ['header missing a field', joinLines([header.replace('"b2a":true,', ''), record(0)]), 1, /header: missing field "b2a"/],
    ['header of another version', joinLines([header.replace('"version":1', '"version":3'), record(0)]), 1, /version 3 is not supported/],
    ['v2 header without its reading', joinLines([header.replace('"version":1', '"version":2'), record(0)]), 1, /header: missing field "reading"/],
    ['record where the header should be', joinLines([record(0), record(1)]), 1, /line 1 must be the header/],
    ['header with p0 > pMax', joinLines([header.replace('"p0":2', '"p0":40'), record(0)]), 1, /p0 \(40\) must not exceed pMax/],
    ['BOM in the middle', joinLines([header, `\uFEFF${record(0)}`]), 2, /byte order mark inside/],
  ];
  for (const [name, text, line, message] of cases) {
    it(name, () => {
      const error = firstError(text);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    });
  }

  it('a malformed line in the middle does not stop the check of the rest', () => {
    const lines = [...good];
    lines[4] = '{"t": oops}';
    const result = checkText(joinLines(lines));
    expect(result.inputErrors.map((e) => e.line)).toEqual([5]);
    expect(result.records).toBe(good.length - 2);
  });
});

describe('tolerated irregularities', () => {
  const clean = checkText(joinLines(good));

  it('a BOM at the start is dropped with a notice', () => {
    const result = checkText(`\uFEFF${joinLines(good)}`);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toEqual(clean.summary);
    expect(result.notices).toEqual([{ line: 1, message: expect.stringMatching(/byte order mark/) }]);
  });

  it('CRLF line ends and a missing final newline read the same', () => {
    const result = checkText(good.join('\r\n'));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toEqual(clean.summary);
  });

  it('blank lines are skipped', () => {
    expect(checkText(good.join('\n\n')).summary).toEqual(clean.summary);
  });
});

describe('the line splitter', () => {
  it('gives the same lines whatever the chunking (lines split across chunks, CR at a chunk end)', () => {
    const text = '\uFEFFab\r\ncd\n\nefg\r\nh';
    const whole = splitLines(text).lines;
    for (let size = 1; size <= text.length; size++) {
      const lines: string[] = [];
      const splitter = new LineSplitter((line) => lines.push(`${line.number}:${line.text}:${line.terminated}`));
      for (let i = 0; i < text.length; i += size) splitter.feed(text.slice(i, i + size));
      splitter.end();
      expect(lines).toEqual(whole.map((line) => `${line.number}:${line.text}:${line.terminated}`));
    }
    expect(whole.map((line) => line.text)).toEqual(['ab', 'cd', '', 'efg', 'h']);
  });

  it('drops a line longer than the limit and says so on that line', () => {
    const text = joinLines([good[0], good[1], `{"t":1,"p":3,"loss":${'1'.repeat(500)}}`, good[2]]);
    const result = checkText(text, { maxLineChars: 400 });
    expect(result.inputErrors.map((e) => [e.line, /too long/.test(e.message)])).toContainEqual([3, true]);
    expect(result.exitCode).toBe(2);
  });
});

describe('the streaming file reader', () => {
  it('reads a file with multi-byte characters across its 1 MiB chunks exactly as the in-memory reader', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { checkFile } = await import('../../src/check/checker.ts');
    const dir = mkdtempSync(join(tmpdir(), 'qle-reader-'));
    try {
      // A producer string of 2- and 3-byte characters spanning the first chunk boundary, a BOM, CRLF.
      const header = JSON.parse(good[0]);
      header.producer = 'é€'.repeat(300_000);
      const text = `\uFEFF${[JSON.stringify(header), ...good.slice(1)].join('\r\n')}\r\n`;
      const file = join(dir, 'trace.jsonl');
      writeFileSync(file, text);
      const fromFile = await checkFile(file);
      const fromText = checkText(text);
      expect(fromFile.header?.producer).toBe(header.producer);
      expect({ ...fromFile, header: undefined }).toEqual({ ...fromText, header: undefined });
      expect(fromFile.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
