/** `qle check` as a user runs it: exit 2 with the line named for a malformed trace, one line for a missing file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQle } from '../cli/run.ts';
import { joinLines, sampleLines } from './fixtures.ts';

describe('qle check exit codes', () => {
  it('a truncated trace: exit 2, the line named, no stack trace; a missing file: one line on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qle-check-cli-'));
    try {
      const lines = sampleLines({ steps: 5 });
      const file = join(dir, 'trace.jsonl');
      writeFileSync(file, joinLines(lines).slice(0, -40));
      const result = runQle(['check', '--json', file]);
      expect(result.status).toBe(2);
      const report = JSON.parse(result.stdout);
      expect(report.inputErrors).toEqual([{ line: 6, message: expect.stringMatching(/truncated last line/) }]);
      expect(result.stderr).toBe('');
      const missing = runQle(['check', join(dir, 'nope.jsonl')]);
      expect(missing.status).toBe(2);
      expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^qle: <trace> .*nope.jsonl cannot be read: no such file or folder \(ENOENT\)$/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
