/**
 * The qle command line. Each command lives in ./commands/<name>.ts and exports `register`; adding
 * a command is one file plus one line in COMMANDS below.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { exitQuietlyOnClosedStdout, fail, UsageError } from './errors.ts';
import * as schedule from './commands/schedule.ts';
import * as quantize from './commands/quantize.ts';
import * as check from './commands/check.ts';
import * as cifar10 from './commands/cifar10.ts';
import * as cifar10Readings from './commands/cifar10-readings.ts';
import * as vectors from './commands/vectors.ts';
import * as report from './commands/report.ts';
import * as step from './commands/step.ts';

export interface CommandModule {
  register(program: Command): void;
}

const COMMANDS: CommandModule[] = [schedule, quantize, step, check, vectors, report, cifar10, cifar10Readings];

/** The package's version: the same package.json from the sources and from dist/ (a self-reference). */
export const VERSION: string = createRequire(import.meta.url)('qle/package.json').version;

export function buildProgram(): Command {
  const program = new Command('qle')
    .description('qle: the quantized learning equation with monotone increasing resolution, as checkable code')
    .version(VERSION, '-V, --version', 'print the version of qle')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .showHelpAfterError(false);
  for (const command of COMMANDS) command.register(program);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    // Bare `qle`: say what it can do rather than nothing.
    process.stdout.write(program.helpInformation());
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successful exits; everything else is a usage problem in one line.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        process.exit(0);
      }
      const cause = (error as CommanderError & { cause?: unknown }).cause;
      fail(cause instanceof Error ? cause : new UsageError(error.message.replace(/^error: /, '')));
    }
    fail(error);
  }
}

// Tests import this module to run commands in-process (test/cli/in-process.ts) and set this.
if (!process.env.QLE_CLI_IN_PROCESS) {
  exitQuietlyOnClosedStdout();
  // Whatever escapes a command (an error in a stream or worker callback) still ends in one line.
  process.on('uncaughtException', (error) => fail(error));
  process.on('unhandledRejection', (error) => fail(error));
  main(process.argv.slice(2));
}
