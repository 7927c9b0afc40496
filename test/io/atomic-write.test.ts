/**
 * The one atomic writer (src/io/atomic-write.ts): synced before the rename, and its temporary
 * file removed on every error (a full disk is simulated: node:fs is wrapped so that writeSync
 * fails with ENOSPC; a folder at the target is real).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
const faults = { writeSync: false };

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    writeSync: (...args: Parameters<typeof fs.writeSync>) => {
      calls.push('write');
      if (faults.writeSync) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    },
    fsyncSync: (fd: number) => {
      calls.push('fsync');
      fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      calls.push('rename');
      fs.renameSync(from, to);
    },
  };
});

const { writeFileAtomic } = await import('../../src/io/atomic-write.ts');
const dir = mkdtempSync(join(tmpdir(), 'qle-atomic-'));

afterEach(() => {
  calls.length = 0;
  faults.writeSync = false;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes, syncs, then renames; creates missing folders', () => {
    const path = join(dir, 'a', 'b', 'file.txt');
    writeFileAtomic(path, 'hello\n');
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(calls.filter((c) => c !== 'write')).toEqual(['fsync', 'rename']);
    expect(calls.indexOf('fsync')).toBeGreaterThan(calls.lastIndexOf('write'));
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['file.txt']);
  });

  it('a full disk: the ENOSPC error is thrown and no temporary file is left', () => {
    const sub = join(dir, 'full');
    faults.writeSync = true;
    expect(() => writeFileAtomic(join(sub, 'file.bin'), new Uint8Array(100))).toThrow(/ENOSPC/);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('a folder at the target: the rename fails and no temporary file is left', () => {
    const sub = join(dir, 'folder');
    mkdirSync(join(sub, 'target'), { recursive: true });
    expect(() => writeFileAtomic(join(sub, 'target'), 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(sub)).toEqual(['target']);
  });
});
