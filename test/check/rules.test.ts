/**
 * Every rule passes the core's own faithful runs and catches the defect it exists for. Each bad
 * trace is a faithful one with one deliberate change, so a rule that stopped checking would fail.
 */
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/check/checker.ts';
import { RULES } from '../../src/check/rules/index.ts';
import { boundTarget, REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import { editLine, findLine, joinLines, rulesOnLine, sampleLines } from './fixtures.ts';

const good = sampleLines();
const LINE = 60; // a record in the middle (step t = 58)
const num = (v: unknown) => v as number;
const arr = (v: unknown) => v as number[];

describe('faithful core runs pass every rule', () => {
  const variants = {
    'round, step, B.2a+B.2b': {},
    'floor, epoch': { mode: 'floor' as const, timeUnit: 'epoch' as const },
    'B.2b off': { b2b: false },
    'non-binary grid η=3, b=10': { params: { ...REFERENCE_SCHEDULE, eta: 3, base: 10, p0: 0, pMax: 12 } },
    'tiny steps (B.2a busy)': { lambda: 2 ** -20, noise: 0.01 },
  };
  for (const [name, options] of Object.entries(variants)) {
    it(name, () => {
      const result = checkText(joinLines(sampleLines(options)));
      expect(result.inputErrors).toEqual([]);
      expect(result.violations.filter((v) => v.severity === 'error')).toEqual([]);
      expect(result.exitCode).toBe(0);
      // summary checks the per-tensor summaries of version 2 traces only (test/check/trace-v2.test.ts).
      for (const s of result.summary) if (s.rule !== 'summary' && (s.rule !== 'p-bound' || options !== variants['B.2b off'])) expect(s.checked).toBeGreaterThan(0);
    });
  }

  it('B.2a is really exercised by the tiny-step run (so b2a-all-zero checks raises, not only flat p)', () => {
    const lines = sampleLines(variants['tiny steps (B.2a busy)']);
    const ps = lines.slice(1).map((l) => num(JSON.parse(l).p));
    const start = (i: number) => (i === 0 ? 2 : Math.max(ps[i - 1], boundTarget(i - 1, REFERENCE_SCHEDULE)));
    const raisedWithinStep = ps.some((p, i) => p > start(i));
    expect(raisedWithinStep).toBe(true);
  });
});

describe('each rule catches its defect, on the right line', () => {
  const cases: { rule: string; line: number; lines: string[] }[] = [
    {
      rule: 'quantize',
      line: LINE,
      lines: editLine(good, LINE, (r) => {
        arr(r.hq)[1] += 2 ** -num(r.p);
        arr(r.w)[1] += 2 ** -num(r.p);
      }),
    },
    {
      rule: 'error-bound',
      line: LINE,
      lines: editLine(good, LINE, (r) => {
        arr(r.hq)[2] += 2 * 2 ** -num(r.p);
        arr(r.w)[2] += 2 * 2 ** -num(r.p);
      }),
    },
    { rule: 'p-monotone', line: LINE, lines: editLine(good, LINE, (r) => (r.p = num(r.p) - 1)) },
    { rule: 'p-max', line: LINE, lines: editLine(editLine(good, 1, (h) => (h.pMax = 12)), LINE, (r) => (r.p = 13)) },
    // A smaller C asks for finer grids from t = 1 on: the faithful p is then below the bound.
    { rule: 'p-bound', line: 3, lines: editLine(good, 1, (h) => (h.C = 1e-9)) },
    { rule: 'b2a-missed', line: LINE, lines: editLine(good, LINE, (r) => (r.hq = arr(r.hq).map(() => 0))) },
    { rule: 'on-grid', line: LINE, lines: editLine(good, LINE, (r) => (arr(r.w)[0] += 2 ** -40)) },
    { rule: 'update', line: LINE, lines: editLine(good, LINE, (r) => (arr(r.w)[3] += 2 ** -num(r.p))) },
    { rule: 'clock', line: LINE, lines: [...good.slice(0, LINE - 1), ...good.slice(LINE)] },
  ];
  for (const { rule, line, lines } of cases) {
    it(rule, () => {
      const result = checkText(joinLines(lines));
      expect(result.inputErrors).toEqual([]);
      expect(rulesOnLine(result, line)).toContain(rule);
      expect(result.exitCode).toBe(1);
      const summary = result.summary.find((s) => s.rule === rule)!;
      expect(summary.firstLine).toBe(line);
    });
  }

  it('b2a-all-zero: a raise on a step whose quantized components cancel gets the sum(hq) == 0 message', () => {
    // A step of (+a, −a) at index 4 is not all zero, yet sums to 0: a reference-style sum test raises p.
    const header = JSON.parse(good[0]);
    const lines = [
      JSON.stringify({ ...header, p0: 4, b2b: false }),
      JSON.stringify({ t: 0, p: 4, h: [0.5, 0.25], hq: [0.5, 0.25], w: [0.5, 0.25] }),
      JSON.stringify({ t: 1, p: 6, h: [0.5, -0.5], hq: [0.5, -0.5], w: [1, -0.25] }),
      JSON.stringify({ t: 2, p: 7, h: [2 ** -9, 0.01], hq: [0, 0], w: [1, -0.25] }),
      JSON.stringify({ t: 3, p: 8, h: [2 ** -9, 0], hq: [2 ** -8, 0], w: [1 + 2 ** -8, -0.25] }), // justified: Q_7(h) = 0
    ];
    const result = checkText(joinLines(lines), { rules: RULES.filter((r) => r.id.startsWith('b2a')) });
    const flagged = result.violations.map((v) => [v.line, v.rule, v.message.includes('sum to 0')]);
    expect(flagged).toEqual([
      [3, 'b2a-all-zero', true], // cancelling step: p 4 → 6
      [4, 'b2a-all-zero', true], // p 6 → 7 although Q_6(h) = (0, 0.015625) is not zero; the hint names line 3's cancelling hq
      [4, 'b2a-missed', false], // and the applied step is all zero at p < p_max
    ]);
    expect(result.summary.find((s) => s.rule === 'b2a-all-zero')!.checked).toBe(4);
  });

  it('b2a-all-zero: a raise right after a step whose hq cancels names that step (a sum test run after the step)', () => {
    const header = JSON.parse(good[0]);
    const lines = [
      JSON.stringify({ ...header, p0: 4, b2b: false }),
      JSON.stringify({ t: 0, p: 4, h: [0.5, -0.5], hq: [0.5, -0.5], w: [0.5, -0.5] }),
      JSON.stringify({ t: 1, p: 5, h: [0.25, 0.5], hq: [0.25, 0.5], w: [0.75, 0] }),
    ];
    const [violation] = checkText(joinLines(lines)).violations;
    expect([violation.line, violation.rule]).toEqual([3, 'b2a-all-zero']);
    expect(violation.message).toMatch(/previous step's hq \(line 2, p = 4\) has 2 non-zero components that sum to 0/);
  });

  it('b2a-all-zero: with B.2a off any rise beyond the B.2b bound is flagged', () => {
    const lines = editLine(editLine(good, 1, (h) => (h.b2a = false)), LINE, (r) => (r.p = num(r.p) + 1));
    expect(rulesOnLine(checkText(joinLines(lines)), LINE)).toContain('b2a-all-zero');
  });

  it('annealing is a warning: reported, exit code stays 0', () => {
    // p_0 = 30 is far finer than the schedule asks for at t = 0: T_q·ln 2 < C/b².
    const header = JSON.parse(good[0]);
    const lines = [
      JSON.stringify({ ...header, p0: 30 }),
      JSON.stringify({ t: 0, p: 30, h: [0.5], hq: [0.5], w: [0.5] }),
      JSON.stringify({ t: 1, p: 30, h: [0.25], hq: [0.25], w: [0.75] }),
    ];
    const result = checkText(joinLines(lines));
    expect(result.violations.map((v) => [v.line, v.rule, v.severity])).toEqual([
      [2, 'annealing', 'warning'],
      [3, 'annealing', 'warning'],
    ]);
    expect(result.exitCode).toBe(0);
  });

  it('a trace given Q instead of p is read as the same index', () => {
    const withQ = good.map((line, i) => (i === 0 ? line : JSON.stringify({ ...JSON.parse(line), p: undefined, Q: 2 ** JSON.parse(line).p })));
    const a = checkText(joinLines(good));
    const b = checkText(joinLines(withQ));
    expect(b.summary).toEqual(a.summary);
    const badLine = findLine(withQ, 2, () => true);
    const bad = editLine(withQ, badLine, (r) => (r.Q = 3));
    expect(checkText(joinLines(bad)).inputErrors[0]).toMatchObject({ line: badLine, message: expect.stringContaining('Q = 3') });
  });

  it('stored violations are capped per rule but all are counted', () => {
    let lines = good;
    for (let line = 10; line < 60; line++) lines = editLine(lines, line, (r) => (arr(r.w)[0] += 2 ** -40));
    const result = checkText(joinLines(lines), { maxPerRule: 5 });
    const onGrid = result.summary.find((s) => s.rule === 'on-grid')!;
    expect(onGrid.violations).toBe(50);
    expect(result.violations.filter((v) => v.rule === 'on-grid')).toHaveLength(5);
  });
});

describe('documentation', () => {
  it('src/check/README.md lists every registered rule', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../src/check/README.md', import.meta.url), 'utf8');
    for (const rule of RULES) expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });
});

describe('values beyond the exact range of Q_p', () => {
  it('a p so fine that |Q_p·h| >= 2^53 is reported by the rules, never a crash (found by the fuzz suite)', () => {
    const lines = editLine(good, 2, (r) => (r.p = 99));
    const result = checkText(joinLines(lines));
    expect(rulesOnLine(result, 2)).toEqual(expect.arrayContaining(['quantize', 'b2a-all-zero']));
    expect(result.exitCode).toBe(1);
  });
});
