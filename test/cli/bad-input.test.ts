/**
 * Issue 13, every bad input handled: one class per describe. Each case checks the exit code, the
 * one stderr line naming the argument, no stack trace, and that nothing was written.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemsWith, repositoryFingerprint, ROOT, runInProcess, scratch } from './in-process.ts';
import type { CliResult } from './run.ts';

const box = scratch('bad-input');
let fingerprint = '';
beforeAll(() => {
  fingerprint = repositoryFingerprint();
});
afterAll(() => {
  // Nothing any case ran wrote into the repository (reports/cifar10/README.md included).
  expect(repositoryFingerprint()).toBe(fingerprint);
  box.remove();
});

/** A fresh empty folder to run one case in. */
function folder(name: string): string {
  const dir = join(box.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function refused(result: CliResult, code: number, message: RegExp): void {
  expect(problemsWith(result)).toEqual([]);
  expect(result.status).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe('');
}

const cheapReport = ['--runs', '2', '--steps', '20', '--objectives', 'double-well', '--optimizers', 'gd', '--no-figures', '--workers', '0'];

describe('empty lists and paths: exit 2 naming the option, before any work', () => {
  it.each([
    [['cifar10', '--lr', '', '--optimizer', 'qsgd'], /--lr must list at least one learning rate, got ""/],
    [['cifar10', '--lr', ',', '--optimizer', 'qsgd'], /--lr must list at least one/],
    [['cifar10', '--lr', '2^-6', '--optimizer', ','], /--optimizer must list at least one optimizer, got ","/],
    [['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--runs-dir', ''], /--runs-dir must name a folder, got ""/],
    [['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--report-dir', ' '], /--report-dir must name a folder/],
    [['vectors', '--out', ''], /--out must name a folder, got ""/],
    [['report', ...cheapReport, '--out', ''], /--out must name a folder, got ""/],
    [['report', ...cheapReport, '--cache', ''], /--cache must name a folder/],
    [['report', ...cheapReport, '--optimizers', ','], /--optimizers must list at least one optimizer/],
    [['report', ...cheapReport, '--objectives', ''], /--objectives must list at least one objective/],
    [['check', '--rules', ',', 'trace.jsonl'], /--rules must list at least one rule id, got ","/],
    [['check', '--rules', '', 'trace.jsonl'], /--rules must list at least one rule id, got ""/],
    [['check', ''], /<trace> must name a file, got ""/],
  ])('%j', async (args, message) => {
    const cwd = folder(`empty-${Math.random().toString(36).slice(2)}`);
    refused(await runInProcess(args as string[], { cwd }), 2, message as RegExp);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a file where a folder is expected: exit 2 before any work', () => {
  it.each([
    [['vectors', '--out', 'file'], /--out "file" cannot be written: .*file: it is a file, not a folder/],
    [['vectors', '--out', 'file/sub'], /--out "file\/sub" cannot be written: .*a file is in the way/],
    [['report', ...cheapReport, '--out', 'file'], /--out "file" cannot be written/],
    // Once a 21-line worker trace: now refused before any worker starts.
    [['report', ...cheapReport, '--workers', '1', '--cache', 'file'], /--cache "file" cannot be written: .*it is a file, not a folder/],
    [['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--runs-dir', 'file', '--dry-run'], /--runs-dir "file" cannot be written/],
    [['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--runs-dir', 'runs', '--data-dir', 'file/x', '--dry-run'], /--data-dir "file\/x"/],
    [['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--runs-dir', 'runs', '--report-dir', 'file'], /--report-dir "file" cannot be written/],
    [['check', '.'], /<trace> \. is not a file/],
  ])('%j', async (args, message) => {
    const cwd = folder(`file-${Math.random().toString(36).slice(2)}`);
    writeFileSync(join(cwd, 'file'), 'in the way\n');
    refused(await runInProcess(args as string[], { cwd }), 2, message as RegExp);
    expect(readdirSync(cwd)).toEqual(['file']);
  });

  it('vectors --out /proc/x ends at once with exit 2 (node\'s recursive mkdir loops forever there)', async () => {
    refused(await runInProcess(['vectors', '--out', '/proc/qle-x'], { cwd: folder('proc') }), 2, /--out "\/proc\/qle-x" cannot be written/);
  });
});

describe('no permission, read-only: exit 2 before any work', () => {
  // Root may write anywhere, so these run the CLI as the unprivileged user `nobody` when the tests run as root.
  const asRoot = process.getuid?.() === 0;
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  const runnable = !asRoot || setpriv;

  function spawnQle(args: string[], cwd: string): CliResult {
    const node = [process.execPath, '--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs'), join(ROOT, 'src', 'cli', 'main.ts'), ...args];
    const command = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
    const result = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, HOME: cwd, TMPDIR: cwd, QLE_DEBUG: '' } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it.runIf(runnable)('vectors --out in a folder without write permission; check on a file without read permission', () => {
    const cwd = folder('perm');
    chmodSync(box.dir, 0o755);
    chmodSync(cwd, 0o777);
    const locked = join(cwd, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    refused(spawnQle(['vectors', '--out', 'locked/out'], cwd), 2, /--out "locked\/out" cannot be written: .*locked: cannot create files here: permission denied \(EACCES\)/);
    writeFileSync(join(cwd, 'secret.jsonl'), '{}\n');
    chmodSync(join(cwd, 'secret.jsonl'), 0o000);
    refused(spawnQle(['check', 'secret.jsonl'], cwd), 2, /<trace> secret.jsonl cannot be read: permission denied \(EACCES\)/);
    expect(readdirSync(locked)).toEqual([]);
  });
});

describe('closed stdout (EPIPE) ends quietly', () => {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
  const qle = `${JSON.stringify(process.execPath)} --import ${JSON.stringify(tsx)} ${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}`;
  it.each([
    [`${qle} schedule --steps 1000000`, 'head -1'],
    [`echo '[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]' | ${qle} quantize --mode round --p 3`, 'head -c 10'],
  ])('%s | %s: exit 0, nothing on stderr', (command, reader) => {
    const box2 = folder(`epipe-${Math.random().toString(36).slice(2)}`);
    const err = join(box2, 'stderr');
    const result = spawnSync('bash', ['-c', `${command} 2>${JSON.stringify(err)} | ${reader} >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(result.stdout.trim().split('\n').pop()).toBe('0');
    expect(readFileSync(err, 'utf8')).toBe('');
  });
});

describe('non-finite results and impossible sizes are errors', () => {
  it('schedule --beta 1e308 --json: exit 2 naming --beta, no null in any output', async () => {
    refused(await runInProcess(['schedule', '--beta', '1e308', '--steps', '3', '--json'], { cwd: folder('beta') }), 2, /--beta 1e\+308 .* non-finite T\(0\)/);
  });

  it('report --runs 1099511627776: exit 2 naming the bound', async () => {
    const cwd = folder('runs');
    refused(await runInProcess(['report', '--runs', '1099511627776'], { cwd }), 2, /--runs must be an integer in \[1, 1000000\], got 1099511627776/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('cifar10 --p0 2000: refused before tfjs loads, no run folder', async () => {
    const cwd = folder('p0');
    refused(await runInProcess(['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--p0', '2000', '--pmax', '2000', '--runs-dir', 'runs'], { cwd }), 2, /--p0 2000: p = 2000 puts Q_p .* outside/);
    refused(await runInProcess(['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--p0', '2000', '--runs-dir', 'runs'], { cwd }), 2, /--p0 \(2000\) must not exceed --pmax/);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });

  it('cifar10 --reuse of an unknown run: refused before tfjs loads, naming both places it looked', async () => {
    const cwd = folder('reuse');
    const args = ['cifar10', '--lr', '2^-6', '--optimizer', 'qsgd', '--reuse', 'nosuch', '--runs-dir', 'runs', '--report-dir', 'reports'];
    refused(await runInProcess(args, { cwd }), 2, /--reuse: no run nosuch in runs or reports/);
    expect(existsSync(join(cwd, 'runs'))).toBe(false);
  });
});

describe('output problems after the work began: one line, exit 1, no temporary file left', () => {
  it('report whose study folder is taken by a file: "cannot …" in one line, exit 1', async () => {
    const cwd = folder('late');
    mkdirSync(join(cwd, 'out'));
    writeFileSync(join(cwd, 'out', 'headline'), 'in the way\n');
    const result = await runInProcess(['report', 'headline', ...cheapReport, '--out', 'out', '--no-cache'], { cwd });
    expect(problemsWith(result)).toEqual([]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^qle: cannot write .*out\/headline: it is a file, not a folder\n$/);
    expect(readdirSync(join(cwd, 'out'))).toEqual(['headline']);
    expect(statSync(join(cwd, 'out', 'headline')).isFile()).toBe(true);
  });
});
