/**
 * Folders qle writes into: checked before any work starts, created one level at a time when the
 * first file is written, and file-system errors put into words a user can act on.
 *
 * Node's `mkdirSync(path, { recursive: true })` is not used on a user's path: on a path it cannot
 * create (e.g. /proc/x) it retries forever.
 */
import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What an errno code means to the person who chose the path. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is in the way of a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** "permission denied (EACCES)" for a file-system error, else its message's first line. */
export function fsReason(error: unknown): string {
  const code = errnoCode(error);
  if (code) return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** A file-system error from Node (it carries an errno code and a syscall). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && errnoCode(error) !== undefined && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** A folder qle cannot use, in words: `path` and why. */
export class PathError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'PathError';
  }
}

function kind(path: string): 'missing' | 'directory' | 'other' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'missing';
    throw new PathError(path, fsReason(error));
  }
}

/**
 * Check, without creating anything, that `path` is or can become a folder qle writes into: the
 * path itself, or its nearest existing ancestor, is a folder that accepts a new file (a probe
 * file is created and removed there). Throws PathError.
 */
export function checkWritableDirectory(path: string): void {
  if (path.includes('\0')) throw new PathError(JSON.stringify(path), 'a path cannot contain a NUL character');
  let existing = resolve(path);
  for (;;) {
    const found = kind(existing);
    if (found === 'directory') break;
    if (found === 'other') {
      throw new PathError(existing, existing === resolve(path) ? 'it is a file, not a folder' : 'a file is in the way of a folder');
    }
    const parent = dirname(existing);
    if (parent === existing) throw new PathError(path, 'no existing folder above it');
    existing = parent;
  }
  // access(W_OK) says yes to root on any folder and on read-only mounts it cannot create in (/proc): try it.
  const probe = join(existing, `.qle-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    throw new PathError(existing, `cannot create files here: ${fsReason(error)}`);
  }
  unlinkSync(probe);
}

/** Create `path` and any missing ancestors, one level at a time (never loops). */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  while (kind(current) === 'missing') {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (missing.length === 0 && kind(current) !== 'directory') throw new PathError(current, 'it is a file, not a folder');
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && kind(dir) === 'directory') continue; // made concurrently
      throw error;
    }
  }
}
