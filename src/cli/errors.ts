/**
 * How every qle command fails: bad input is a one-line message on stderr naming what is wrong and
 * exit code 2; never a stack trace. Known domain errors from the core map to the same path.
 */
import { QuantizerParamError, QuantizerRangeError } from '../core/quantizer.ts';
import { ScheduleParamError } from '../core/schedule.ts';
import { ObjectiveError } from '../core/objectives/objective.ts';
import { fsReason, isFsError, PathError } from '../io/paths.ts';
import { ReadingError } from '../core/reading.ts';
import { ReportRequestError } from '../../simulations/request-error.ts';

/** Exit code for unusable input. */
export const EXIT_USAGE = 2;

/** A problem with what the user gave us: reported in one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = EXIT_USAGE) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors whose message is already a complete one-line explanation for the user. */
export function isUserFacing(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof QuantizerParamError ||
    error instanceof QuantizerRangeError ||
    error instanceof ScheduleParamError ||
    error instanceof ObjectiveError ||
    error instanceof ReadingError ||
    error instanceof ReportRequestError
  );
}

/** Exit code of a failure after the work began (a full disk, a folder that vanished): not a usage problem. */
export const EXIT_FAILURE = 1;

/** A file-system failure in words: "cannot write reports/x.md: no space left on the device (ENOSPC)". */
function fsMessage(error: NodeJS.ErrnoException): string {
  const verb: Record<string, string> = { open: 'open', write: 'write', mkdir: 'create folder', rename: 'rename', unlink: 'remove', read: 'read', fsync: 'sync', stat: 'inspect', scandir: 'list' };
  const what = verb[error.syscall ?? ''] ?? error.syscall ?? 'access';
  const path = error.path ? ` ${error.path}` : '';
  return `cannot ${what}${path}: ${fsReason(error)}`;
}

/** Print `qle: <message>` on one line and exit; anything unexpected also stays one line. */
export function fail(error: unknown): never {
  let line: string;
  let code: number;
  if (isUserFacing(error)) {
    line = `qle: ${error.message.split('\n')[0]}`;
    code = error instanceof UsageError ? error.exitCode : EXIT_USAGE;
  } else if (error instanceof PathError) {
    line = `qle: cannot write ${error.message}`;
    code = EXIT_FAILURE;
  } else if (isFsError(error)) {
    line = `qle: ${fsMessage(error)}`;
    code = EXIT_FAILURE;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    line = `qle: internal error: ${message.split('\n')[0]}`;
    code = EXIT_FAILURE;
  }
  process.stderr.write(`${line}\n`);
  if (process.env.QLE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
}

/**
 * A reader that stops early (`qle schedule … | head -1`) closes the pipe: stop quietly with exit 0,
 * as `yes | head -1` does, rather than with an EPIPE trace. Installed once by the entry point.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    fail(error);
  });
}
