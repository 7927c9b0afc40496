/**
 * A fast-check fuzz of every command's argv, run in-process (test/cli/in-process.ts: milliseconds a run, not a 0.5 s spawn) in a fresh
 * scratch folder per run: whatever the arguments, the exit code is 0, 1 or 2, a failure is one
 * stderr line `qle: …` (never a stack trace nor "internal error"), and nothing is written outside
 * the scratch folder. Values mix valid ones with the edge cases of issue 13 (empty, ",", huge,
 * non-finite, a file where a folder is expected). Work is kept cheap: report runs 2 runs × 20
 * steps without figures and always names its studies (no name runs everything, the spec evidence
 * included: ~10 s a run, so that path is run once, not fuzzed), cifar10 always --dry-run (it stops
 * before tfjs). Fixed seed; the run counts scale with QLE_RUNS (default 200: 60 runs a command,
 * 25 for vectors and report).
 */
import fc from 'fast-check';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledRuns, SEED } from '../../properties/config.ts';
import { RULES } from '../../src/check/rules/index.ts';
import { problemsWith, repositoryFingerprint, runInProcess, scratch } from './in-process.ts';
import type { CliResult } from './run.ts';

const box = scratch('fuzz');
let traceFile = '';
let fingerprint = '';

beforeAll(async () => {
  fingerprint = repositoryFingerprint();
  // A real trace for `check`, written by `qle vectors` itself.
  const dir = join(box.dir, 'fixtures');
  mkdirSync(dir);
  const made = await runInProcess(['vectors', '--out', 'vectors'], { cwd: dir });
  expect(made.status).toBe(0);
  traceFile = join(dir, 'vectors', 'traces', 'reference-sgd.jsonl');
});

afterAll(() => {
  expect(repositoryFingerprint()).toBe(fingerprint);
  box.remove();
});

/** A fresh working folder with the things arguments may point at. */
function workspace(): string {
  const cwd = mkdtempSync(join(box.dir, 'run-'));
  writeFileSync(join(cwd, 'file'), 'a file, not a folder\n');
  mkdirSync(join(cwd, 'dir'));
  writeFileSync(join(cwd, 'empty.jsonl'), '');
  writeFileSync(join(cwd, 'garbage.jsonl'), '{"format":\n\u0000not json\n');
  try {
    copyFileSync(traceFile, join(cwd, 'trace.jsonl'));
  } catch {
    writeFileSync(join(cwd, 'trace.jsonl'), '');
  }
  return cwd;
}

/** Relative paths only (`..` and absolute paths would legitimately write outside the scratch folder). */
const text = fc.string({ maxLength: 6 }).filter((s) => !s.includes('..') && !s.startsWith('/') && !s.startsWith('-'));
const edge = fc.constantFrom('', ',', ' ', ',,', '-1', '0', '1', '2', '3', 'NaN', 'Infinity', '1e308', '-1e308', '1.5', '2^-6', '1099511627776', 'abc', 'a\u0000b');
const junk = fc.oneof(edge, text);
const paths = fc.oneof(fc.constantFrom('', 'out', 'a/b/c', 'file', 'file/x', 'dir', '.', ' ', ','), text);

type Options = Record<string, fc.Arbitrary<string> | null>;

/** Up to `max` options in any order (null: a flag without a value), an unknown one now and then. */
function argv(options: Options, max = 5): fc.Arbitrary<string[]> {
  const names = Object.keys(options);
  const one: fc.Arbitrary<string[]> = fc.constantFrom(...names).chain((name): fc.Arbitrary<string[]> => {
    const value = options[name];
    return value === null ? fc.constant([name]) : value.map((v) => [name, v]);
  });
  const stray: fc.Arbitrary<string[]> = fc.constantFrom(['--nope'], ['stray'], ['--'], ['-x']);
  return fc.array(fc.oneof({ weight: 9, arbitrary: one }, { weight: 1, arbitrary: stray }), { maxLength: max }).map((parts) => parts.flat());
}

/** Runs the property; returns how many runs ended with each exit code (a fuzz that only ever fails parsing would test little). */
async function fuzz(property: fc.Arbitrary<{ args: string[]; stdin?: string }>, numRuns: number): Promise<Record<number, number>> {
  const exits: Record<number, number> = {};
  await fc.assert(
    fc.asyncProperty(property, async ({ args, stdin }) => {
      const result = await runChecked(args, stdin);
      exits[result.status!] = (exits[result.status!] ?? 0) + 1;
    }),
    { seed: SEED, numRuns },
  );
  if (process.env.QLE_VERBOSE) console.log(`exit codes of ${numRuns} runs: ${JSON.stringify(exits)}`);
  return exits;
}

/** One run in a fresh workspace; throws what is wrong with its exit code or output. */
async function runChecked(args: string[], stdin?: string): Promise<CliResult> {
  const result = await runInProcess(args, { cwd: workspace(), stdin });
  const problems = problemsWith(result);
  if (problems.length) throw new Error(`${problems.join('; ')}\nstderr: ${result.stderr.slice(0, 500)}`);
  return result;
}

/** Runs of a command that costs about as much as parsing its arguments. */
const RUNS = scaledRuns(0.3);
/** Runs of a command that does real work when its arguments are valid (vectors, report). */
const WORK_RUNS = scaledRuns(0.125);

/** Both outcomes were exercised: some runs did the work, some were refused. */
function mixed(exits: Record<number, number>): void {
  expect(exits[0] ?? 0).toBeGreaterThan(0);
  expect((exits[1] ?? 0) + (exits[2] ?? 0)).toBeGreaterThan(0);
}

/** The cheapest valid scale of `qle report`. */
const CHEAP_REPORT = ['--runs', '2', '--steps', '20', '--objectives', 'double-well', '--optimizers', 'gd', '--workers', '0'];

const scheduleOptions: Options = {
  '--base': junk, '--eta': junk, '--C': junk, '--beta': junk, '--kappa': junk, '--p0': junk, '--pmax': junk, '--steps': junk, '--json': null,
};

describe('argv fuzz: exit 0/1/2, at most one stderr line, no trace, nothing written outside the scratch folder', () => {
  it('schedule', async () => {
    mixed(await fuzz(fc.tuple(junk, argv(scheduleOptions)).map(([steps, rest]) => ({ args: ['schedule', '--steps', steps, ...rest] })), RUNS));
  });

  it('quantize', async () => {
    const stdin = fc.oneof(fc.array(fc.double(), { maxLength: 5 }).map((xs) => JSON.stringify(xs)), fc.json(), fc.string({ maxLength: 12 }), fc.constant('[1e400]'));
    const options: Options = { '--mode': fc.oneof(fc.constantFrom('round', 'floor'), junk), '--eta': junk, '--base': junk, '--p': junk, '--json': null };
    mixed(await fuzz(fc.record({ rest: argv(options), stdin }).map(({ rest, stdin }) => ({ args: ['quantize', '--mode', 'round', '--p', '3', ...rest], stdin })), RUNS));
  });

  it('check', async () => {
    const rules = fc.oneof(fc.constantFrom(...RULES.map((r) => r.id), 'nope', `${RULES[0].id},nope`), junk);
    const trace = fc.oneof(fc.constantFrom('trace.jsonl', 'empty.jsonl', 'garbage.jsonl', 'dir', 'file', 'missing.jsonl'), junk);
    const options: Options = { '--json': null, '--max-per-rule': junk, '--max-line-chars': junk, '--rules': rules };
    mixed(await fuzz(fc.tuple(trace, argv(options, 3)).map(([file, rest]) => ({ args: ['check', ...rest, file] })), RUNS));
  });

  it('vectors', async () => {
    mixed(await fuzz(argv({ '--out': paths }, 2).map((rest) => ({ args: ['vectors', '--out', 'out', ...rest] })), WORK_RUNS));
  });

  it('report', async () => {
    const options: Options = {
      '--runs': edge, '--steps': edge, '--seed': junk, '--delta': junk, '--epsilon': junk,
      '--optimizers': fc.oneof(fc.constantFrom('gd', 'sa,qsgd-lgv', 'nope', ','), edge),
      '--objectives': fc.oneof(fc.constantFrom('six-hump-camel', 'nope', ','), edge),
      '--out': paths, '--cache': paths, '--no-cache': null, '--fresh': null, '--full': null, '--workers': fc.constantFrom('0', '1', '', '-1', 'x', '65'),
      '--objective': fc.oneof(fc.constantFrom('x^4/4 - x^2/2 + 0.1*x', 'x1^2 + x2^2', 'sin(y)', 'x +'), edge),
      '--objective-box': fc.oneof(fc.constantFrom('-2,2', '2,-2', '1'), edge), '--objective-module': paths, '--optimizer-module': paths,
      '--objective-dims': edge,
    };
    const studies = fc.subarray(['headline', 'theorem', 'lr-sweep', 'claims', 'nope', ''], { minLength: 1, maxLength: 2 });
    mixed(await fuzz(fc.tuple(studies, argv(options, 4)).map(([names, rest]) => ({ args: ['report', ...names, ...CHEAP_REPORT, ...rest, '--no-figures'] })), WORK_RUNS));
  });

  it('report without study names (everything, the spec evidence included), once', async () => {
    expect((await runChecked(['report', ...CHEAP_REPORT, '--no-figures'])).status).toBe(0);
  });

  it('step (stdin JSON: valid-looking requests with edge values, and junk)', async () => {
    const number = fc.oneof(fc.double(), fc.integer({ min: -40, max: 40 }), fc.constantFrom(0, 1e308, -1));
    const request = fc.record(
      {
        reading: fc.oneof(fc.constantFrom('paper', 'per-tensor', 'all', 'nope'), fc.string({ maxLength: 4 })),
        schedule: fc.record({ base: number, eta: number, C: number, beta: number, kappa: number, p0: number, pMax: number }, { requiredKeys: [] }),
        t: number,
        p: number,
        tensors: fc.array(fc.record({ name: fc.string({ maxLength: 3 }), h: fc.array(number, { maxLength: 3 }) }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    const stdin = fc.oneof(request.map((r) => JSON.stringify(r)), fc.json(), fc.string({ maxLength: 12 }));
    const exits = await fuzz(fc.record({ json: fc.boolean(), stdin }).map(({ json, stdin }) => ({ args: ['step', ...(json ? ['--json'] : [])], stdin })), RUNS);
    expect((exits[1] ?? 0) + (exits[2] ?? 0)).toBeGreaterThan(0);
  });

  it('cifar10 (--dry-run: options and folders are checked, nothing is loaded)', async () => {
    const options: Options = {
      '--model': fc.oneof(fc.constantFrom('mlp', 'resnet20'), junk), '--optimizer': fc.oneof(fc.constantFrom('qsgd', 'sgd,adam', 'qtadam'), junk),
      '--lr': junk, '--sweep': null, '--epochs': junk, '--runs': junk, '--seed': junk, '--batch': junk, '--train-subset': junk,
      '--test-subset': junk, '--shuffle': null, '--run': junk, '--runs-dir': paths, '--data-dir': paths, '--report-dir': paths,
      '--time-unit': fc.oneof(fc.constantFrom('epoch', 'step'), junk), '--kappa': junk, '--mode': junk, '--p0': junk, '--pmax': junk,
      '--no-bound': null, '--per-tensor': null, '--adam-eps': junk, '--reuse': junk, '--shard': fc.oneof(fc.constantFrom('1/2', '3/2', '0/1'), junk), '--no-report': null,
      '--backend': fc.oneof(fc.constantFrom('auto', 'wasm', 'cpu'), junk),
    };
    mixed(await fuzz(argv(options, 6).map((rest) => ({ args: ['cifar10', '--optimizer', 'qsgd', '--lr', '2^-6', ...rest, '--dry-run'] })), RUNS));
  });
});
