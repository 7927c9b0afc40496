/** Paths and lists given on the command line, checked before any work starts: one line naming the option. */
import { closeSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkWritableDirectory, fsReason, PathError } from '../io/paths.ts';
import { UsageError } from './errors.ts';

/** The option's name as the user typed it: `--out`, or `<trace>` for an argument. */
function label(name: string): string {
  return name.startsWith('<') ? name : `--${name}`;
}

/** A folder the command will write into (created if missing): checked, not created. */
export function checkOutputDirectory(name: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`${label(name)} must name a folder, got ${JSON.stringify(raw)}`);
  try {
    checkWritableDirectory(raw);
  } catch (error) {
    if (error instanceof PathError) throw new UsageError(`${label(name)} ${JSON.stringify(raw)} cannot be written: ${error.message}`);
    throw error;
  }
  return raw;
}

/** A file the command will write: its folder exists (or can be created) and it is not a folder itself. */
export function checkOutputFile(name: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`${label(name)} must name a file, got ${JSON.stringify(raw)}`);
  try {
    if (statSync(raw, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${label(name)} ${raw} is a folder, not a file`);
    checkWritableDirectory(dirname(resolve(raw)));
  } catch (error) {
    if (error instanceof PathError) throw new UsageError(`${label(name)} ${JSON.stringify(raw)} cannot be written: ${error.message}`);
    throw error;
  }
  return raw;
}

/** A file the command will read: it exists, is a file, and opens for reading. */
export function checkInputFile(name: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`${label(name)} must name a file, got ${JSON.stringify(raw)}`);
  try {
    if (!statSync(raw).isFile()) throw new UsageError(`${label(name)} ${raw} is not a file`);
    closeSync(openSync(raw, 'r'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${label(name)} ${raw} cannot be read: ${fsReason(error)}`);
  }
  return raw;
}

/**
 * A comma-separated list with at least one item, each parsed (a parser names what it rejects);
 * repeating the option appends. `--x ''` and `--x ,` are errors, not an empty selection.
 */
export function parseList<T>(name: string, what: string, parse: (raw: string) => T = (raw) => raw as T): (raw: string, previous?: T[]) => T[] {
  return (raw: string, previous?: T[]) => {
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (items.length === 0) throw new UsageError(`--${name} must list at least one ${what}, got ${JSON.stringify(raw)}`);
    return [...(previous ?? []), ...items.map(parse)];
  };
}
