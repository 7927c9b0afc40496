/**
 * How every qle command fails: bad input is a one-line message on stderr naming what is wrong and
 * exit code 2; never a stack trace. Known domain errors from the core map to the same path.
 */
import { QuantizerParamError, QuantizerRangeError } from '../core/quantizer.ts';
import { ScheduleParamError } from '../core/schedule.ts';
import { ObjectiveError } from '../core/objectives/objective.ts';
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

/** Print `qle: <message>` on one line and exit; anything unexpected also stays one line. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0];
  const prefix = isUserFacing(error) ? 'qle' : 'qle: internal error';
  process.stderr.write(`${prefix}: ${firstLine}\n`);
  if (process.env.QLE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(error instanceof UsageError ? error.exitCode : isUserFacing(error) ? EXIT_USAGE : 1);
}
