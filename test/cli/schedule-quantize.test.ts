import { describe, expect, it } from 'vitest';
import { gridIndex, gridValue, makeGrid } from '../../src/core/quantizer.ts';
import { REFERENCE_SCHEDULE, scheduleTable } from '../../src/core/schedule.ts';
import { runQle } from './run.ts';

describe('qle schedule', () => {
  it('--json prints exactly one object {t, T, pInf, p} equal to the core schedule table', () => {
    const result = runQle(['schedule', '--steps', '12', '--p0', '2', '--json']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed)).toEqual(['t', 'T', 'pInf', 'p']);
    expect(printed).toEqual(scheduleTable({ ...REFERENCE_SCHEDULE, p0: 2 }, 12));
    // SPEC §6 anchor: t = 10, T = 4.0562e-6, p_inf = 9.663 with the reference constants.
    expect(printed.T[10]).toBeCloseTo(4.0562e-6, 9);
    expect(printed.pInf[10]).toBeCloseTo(9.663, 3);
  });

  it('p[t] = min(PMAX, max(p[t-1], ceil(p_inf(t)))) holds row by row, the cap included', () => {
    const result = runQle(['schedule', '--steps', '40', '--pmax', '10', '--json']);
    const { pInf, p } = JSON.parse(result.stdout) as { pInf: number[]; p: number[] };
    let previous = REFERENCE_SCHEDULE.p0;
    for (let t = 0; t < p.length; t++) {
      expect(p[t]).toBe(Math.min(10, Math.max(previous, Math.ceil(pInf[t]))));
      previous = p[t];
    }
    expect(Math.max(...p)).toBe(10);
  });

  it.each([
    [['schedule', '--steps', '5', '--p0', '1.5'], /--p0 must be an integer/],
    [['schedule', '--steps', '5', '--base', '1'], /--base must be >= 2/],
    [['schedule', '--steps', '5', '--eta', '0'], /--eta must be >= 1/],
    [['schedule', '--steps', '0'], /--steps must be >= 1/],
    [['schedule', '--steps', '5', '--C', 'abc'], /--C must be a finite number/],
    [['schedule', '--steps', '5', '--p0', '40'], /p0 \(40\) must not exceed pMax/],
    [['schedule'], /--steps/],
  ])('bad input %j: one line naming the argument, exit 2', (args, message) => {
    const result = runQle(args as string[]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('qle quantize', () => {
  it('--json prints {Q, values, errors} from the core quantizer, errors as x^Q − x', () => {
    const inputs = [0.1, -0.3, 1 / 3, -0.05, 5e-324, 123.456];
    const result = runQle(['quantize', '--mode', 'round', '--eta', '3', '--base', '10', '--p', '1', '--json'], JSON.stringify(inputs));
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout);
    const grid = makeGrid(3, 10, 1);
    expect(printed.Q).toBe(30);
    expect(printed.values).toEqual(inputs.map((x) => gridValue(gridIndex(x, grid, 'round'), grid)));
    expect(printed.errors).toEqual(printed.values.map((v: number, i: number) => v - inputs[i]));
  });

  it('floor mode on a binary grid with negative p', () => {
    const result = runQle(['quantize', '--mode', 'floor', '--p', '-2', '--json'], '[5, -5, 3.99]');
    expect(JSON.parse(result.stdout).values).toEqual([4, -8, 0]);
  });

  it.each([
    [['--mode', 'rund', '--p', '1'], '[1]', /--mode must be one of floor, round/],
    [['--mode', 'round', '--p', '0.5'], '[1]', /--p must be an integer/],
    [['--mode', 'round', '--p', '1', '--base', '1'], '[1]', /--base must be >= 2/],
    [['--mode', 'round', '--p', '1', '--eta', '0'], '[1]', /--eta must be >= 1/],
    [['--mode', 'round', '--p', '1'], '[1, "a"]', /stdin\[1\] must be a finite number/],
    [['--mode', 'round', '--p', '1'], '[1, NaN]', /not valid JSON/],
    [['--mode', 'round', '--p', '1'], '[1e400]', /stdin\[0\] must be a finite number, got Infinity/],
    [['--mode', 'round', '--p', '1'], '{"x": 1}', /JSON array/],
    [['--mode', 'round', '--p', '1'], '[1e300]', /stdin\[0\].*2\^53/],
  ])('bad input %j %s: one line, exit 2', (args, input, message) => {
    const result = runQle(['quantize', ...(args as string[])], input as string);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
