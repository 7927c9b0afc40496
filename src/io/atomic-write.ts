/**
 * Files are written to a temporary name, synced and renamed, so an interrupted run (or a crash of
 * the machine) never leaves a half-written file under the real name. On any error the temporary
 * file is removed and the error is rethrown.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from './paths.ts';

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirectory(dirname(path));
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx');
    writeAll(fd, data);
    // Data on disk before the rename makes it visible: a rename after a crash must not point at an empty file.
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the write's error is the one to report
      }
    }
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already gone
    }
    throw error;
  }
}
