/**
 * The package as a user installs it: `npm pack` (which builds dist/), then a production install of
 * the tarball into a fresh project, offline from the npm cache that `npm ci` filled, and the bin
 * and the three entry points used from there, with Node alone (no tsx, TypeScript, vitest or tfjs).
 *
 * Offline and reproducible: the temporary project gets a lockfile made from qle's own (its
 * non-dev entries: exactly the versions CI installed), so `npm ci --offline` needs only tarballs
 * already in the cache, never the registry's metadata.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface LockEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, unknown>;
  readonly bin?: Record<string, string>;
  readonly engines?: Record<string, string>;
}

/** A lockfile for {dependencies: {qle: file:TARBALL}}: qle's own non-dev entries plus the tarball. */
function projectLockfile(tarball: string, integrity: string): object {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const packages: Record<string, unknown> = { '': { name: 'qle-pack-test', dependencies: { qle: `file:${tarball}` } } };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key !== '' && !entry.dev && !entry.devOptional && !entry.link) packages[key] = entry;
  }
  packages['node_modules/qle'] = {
    version: pkg.version,
    resolved: `file:${tarball}`,
    integrity,
    license: pkg.license,
    dependencies: pkg.dependencies,
    peerDependencies: pkg.peerDependencies,
    peerDependenciesMeta: pkg.peerDependenciesMeta,
    bin: pkg.bin,
    engines: pkg.engines,
  };
  return { name: 'qle-pack-test', lockfileVersion: lock.lockfileVersion, requires: true, packages };
}

describe('the npm package, installed from its tarball', () => {
  let scratch = '';
  let project = '';
  let version = '';

  const env = { ...process.env, QLE_DEBUG: '' };
  /** As a user types it (npm's own start-up costs about a second, so only where it matters). */
  const npx = (args: string[]) => spawnSync(npm, ['exec', '--offline', '--', 'qle', ...args], { cwd: project, encoding: 'utf8', env });
  /** The installed bin with Node alone. */
  const qle = (args: string[]) => spawnSync(process.execPath, [join(project, 'node_modules', '.bin', 'qle'), ...args], { cwd: project, encoding: 'utf8', env });

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'qle-pack-'));
    project = join(scratch, 'project');
    mkdirSync(project);
    // prepack builds dist/; lifecycle output goes to stderr, the JSON to stdout.
    const packed = execFileSync(npm, ['pack', '--json', '--pack-destination', project], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [info] = JSON.parse(packed.slice(packed.indexOf('['))) as { filename: string; integrity: string; version: string }[];
    version = info.version;
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'qle-pack-test', private: true, type: 'module', dependencies: { qle: `file:${info.filename}` } }),
    );
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(projectLockfile(info.filename, info.integrity)));
    execFileSync(npm, ['ci', '--offline', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs without tsx, TypeScript, vitest, Biome or TensorFlow.js, and leaves the reports out', () => {
    const modules = join(project, 'node_modules');
    for (const name of ['tsx', 'typescript', 'vitest', '@biomejs', '@tensorflow']) expect(existsSync(join(modules, name)), name).toBe(false);
    const installed = join(modules, 'qle');
    expect(readdirSync(installed).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'dist', 'docs', 'examples', 'package.json', 'schema']);
    expect(existsSync(join(installed, 'docs', 'SPEC.md'))).toBe(true);
  });

  it('qle --version and bare qle (help) work through npx', () => {
    expect(npx(['--version']).stdout.trim()).toBe(version);
    const bare = qle([]);
    expect(bare.status).toBe(0);
    expect(bare.stdout).toMatch(/Usage: qle/);
    expect(bare.stdout).toMatch(/check \[options\] <trace>/);
  });

  it('npx qle vectors writes traces and npx qle check passes them, --json output clean on stdout', () => {
    const out = join(project, 'vectors');
    const vectors = qle(['vectors', '--out', out]);
    expect(vectors.status, vectors.stderr).toBe(0);
    const traces = readdirSync(join(out, 'traces')).filter((name) => name.endsWith('.jsonl'));
    expect(traces.length).toBeGreaterThan(0);
    const check = npx(['check', '--json', join(out, 'traces', traces[0])]);
    expect(check.status, check.stderr).toBe(0);
    const report = JSON.parse(check.stdout) as { exitCode: number; records: number };
    expect(report.exitCode).toBe(0);
    expect(report.records).toBeGreaterThan(0);
  });

  it('qle cifar10 without TensorFlow.js says what to install in one line (exit 2)', () => {
    const result = qle(['cifar10', '--model', 'mlp', '--optimizer', 'sgd', '--lr', '2^-6']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/npm install @tensorflow\/tfjs-core/);
    expect(existsSync(join(project, '.cache')), 'nothing written before the check').toBe(false);
  });

  it('imports the core (qle), the checker (qle/check) and the conformance kit (qle/conformance) with Node alone', () => {
    const script = `
      import { makeGrid, quantize, targetTemperature, REFERENCE_SCHEDULE } from 'qle';
      import { checkText, RULES } from 'qle/check';
      import { checkConformance } from 'qle/conformance';
      const grid = makeGrid(3, 10, 1);
      const report = checkConformance({ name: 'core', quantizer: { quantize: (x, g, m) => quantize(x, makeGrid(g.eta, g.base, g.p), m) } }, { numRuns: 20 });
      const naive = checkConformance({ quantizer: { quantize: (x, g, m) => Math.floor(g.Q * x) / g.Q, outOfRange: 'unchecked' }, modes: ['floor'] }, { numRuns: 100 });
      const failure = naive.results.find((r) => !r.passed);
      console.log(JSON.stringify({
        q: quantize(0.35, grid, 'round'),
        T0: targetTemperature(0, REFERENCE_SCHEDULE),
        rules: RULES.length,
        empty: checkText('').exitCode,
        core: report.passed,
        naive: naive.passed,
        counterexample: failure?.counterexample ?? null,
      }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout) as {
      q: number;
      T0: number;
      rules: number;
      empty: number;
      core: boolean;
      naive: boolean;
      counterexample: unknown[] | null;
    };
    expect(seen.q).toBe(1 / 3);
    expect(seen.T0).toBeCloseTo(1.5128, 4);
    expect(seen.rules).toBeGreaterThan(5);
    expect(seen.empty).toBe(2);
    expect(seen.core).toBe(true);
    expect(seen.naive).toBe(false);
    expect(seen.counterexample).not.toBeNull();
  });
});

describe('the bin in a checkout', () => {
  it('bin/qle.mjs runs the TypeScript sources through tsx: --version, and schedule --json on a clean stdout', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'qle.mjs'), ...args], { cwd: root, encoding: 'utf8' });
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    expect(run(['--version']).stdout.trim()).toBe(version);
    const schedule = run(['schedule', '--steps', '2', '--json']);
    expect(schedule.status, schedule.stderr).toBe(0);
    expect(JSON.parse(schedule.stdout).p).toHaveLength(2);
  });
});
