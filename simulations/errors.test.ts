/** Issue 3, bad input: unknown names, non-positive budgets and δ ≤ 0 give one line on stderr and exit 2. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function qle(args: string[]): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, QLE_DEBUG: '' },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    child.on('exit', (status) => resolve({ status, stderr, stdout }));
  });
}

const CASES: [string[], RegExp][] = [
  [['report', 'nosuch'], /unknown study "nosuch"; known: headline, theorem, ablations, lr-sweep/],
  [['report', '--optimizers', 'gd,qsgd-magic'], /unknown optimizer "qsgd-magic"/],
  [['report', '--objectives', 'rosenbrock'], /unknown objective "rosenbrock"/],
  [['report', '--runs', '0'], /--runs must be >= 1/],
  [['report', '--steps', '-5'], /--steps must be >= 1/],
  [['report', '--delta', '0'], /--delta must be > 0/],
];

describe('qle report: bad input', () => {
  it('each bad argument gives one line naming it and exit code 2, and no output', async () => {
    const results = await Promise.all(CASES.map(([args]) => qle([...args, '--out', '/nonexistent/never-written'])));
    results.forEach((result, i) => {
      const [args, message] = CASES[i];
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
      expect(result.stdout).toBe('');
    });
  });
});
