/**
 * Trace format v2: per-tensor records judged under the reading the header declares. Faithful core
 * runs under every reading pass (vectors in full, sampled, or in a binary sidecar); a trace that
 * does what one reading does but declares another is caught; violations name tensor and step and
 * collapse when identical.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile, checkText } from '../../src/check/checker.ts';
import { formatJson, formatText } from '../../src/check/report.ts';
import { pMax } from '../../src/check/rules/p-max.ts';
import { sampleTraceV2, type SampleRunV2Options } from '../../src/check/sample-run.ts';
import { SidecarWriter } from '../../src/check/writer.ts';
import { READINGS, type ReadingName } from '../../src/core/reading.ts';
import { REFERENCE_SCHEDULE } from '../../src/core/schedule.ts';
import { joinLines } from './fixtures.ts';

/** Tensors whose steps differ by orders of magnitude: the granularity of B.2a decides who raises. */
const BUSY: SampleRunV2Options = { steps: 40, lambda: 2 ** -14, noise: 0.01, scales: [1, 1e-3, 1e-6] };
const lines = (options: Partial<SampleRunV2Options> = {}) => [...sampleTraceV2({ ...BUSY, ...options })];
const dir = mkdtempSync(join(tmpdir(), 'qle-v2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rewrite the header's declared reading. */
function declare(trace: string[], reading: Record<string, unknown>): string[] {
  const header = JSON.parse(trace[0]);
  header.reading = { ...header.reading, ...reading };
  return [JSON.stringify(header), ...trace.slice(1)];
}

describe('faithful v2 traces pass under the reading they declare', () => {
  for (const name of Object.keys(READINGS) as ReadingName[]) {
    for (const sample of [undefined, 2]) {
      it(`${name}, ${sample ? 'sampled vectors' : 'full vectors'}`, () => {
        const result = checkText(joinLines(lines({ reading: READINGS[name], sample })));
        expect(result.inputErrors).toEqual([]);
        expect(result.violations.filter((v) => v.severity === 'error')).toEqual([]);
        expect(result.exitCode).toBe(0);
        for (const rule of ['b2a-all-zero', 'b2a-missed', 'summary', 'update', 'quantize']) {
          expect(result.summary.find((s) => s.rule === rule)!.checked).toBeGreaterThan(0);
        }
      });
    }
  }

  it('vectors in a float64 sidecar give the same verdict as inline ones', async () => {
    const writer = new SidecarWriter(join(dir, 'run.bin'), 'float64');
    const trace = lines({ reading: READINGS.tensor, sidecar: { writer, file: 'run.bin' } });
    writer.close();
    writeFileSync(join(dir, 'run.jsonl'), joinLines(trace));
    const result = await checkFile(join(dir, 'run.jsonl'));
    const inline = checkText(joinLines(lines({ reading: READINGS.tensor })));
    expect(result.inputErrors).toEqual([]);
    expect(result.summary).toEqual(inline.summary);
    expect(result.exitCode).toBe(0);
  });
});

describe('the declared reading is what B.2a is judged against', () => {
  it('a tensor-granularity run declared "all" raises while other tensors still move: b2a-all-zero on the whole step', () => {
    const result = checkText(joinLines(declare(lines({ reading: READINGS.tensor }), { granularity: 'all' })));
    const found = result.violations.filter((v) => v.rule === 'b2a-all-zero');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].message).toMatch(/tensor at p = \d+ while the step began at p = \d+|whole step/);
    expect(result.exitCode).toBe(1);
  });

  it('a per-tensor run declared "tensor" (one shared index) is caught', () => {
    const result = checkText(joinLines(declare(lines({ reading: READINGS['per-tensor'] }), { granularity: 'tensor' })));
    expect(result.exitCode).toBe(1);
    expect(result.violations.some((v) => v.rule === 'p-monotone' || v.rule === 'b2a-missed')).toBe(true);
  });

  it('a tensor-granularity run declared "per-tensor" is caught, and the violation names tensor and step', () => {
    const result = checkText(joinLines(declare(lines({ reading: READINGS.tensor }), { granularity: 'per-tensor' })));
    expect(result.exitCode).toBe(1);
    const v = result.violations.find((x) => x.severity === 'error')!;
    expect(v.tensor).toBeDefined();
    expect(typeof v.t).toBe('number');
  });
});

describe('messages an implementer acts on', () => {
  it('identical violations collapse into one line with a count and first/last positions; --json keeps every one', () => {
    const trace = lines({ reading: READINGS.tensor, params: { ...REFERENCE_SCHEDULE, p0: 2, pMax: 32 } });
    // Every record of steps >= 10 at p = 33: the reference's "while p <= p_max" overshoot.
    const bad = trace.map((line, i) => (i > 0 && JSON.parse(line).t >= 10 ? line.replace(/"p":\d+/, '"p":33') : line));
    const result = checkText(joinLines(bad), { rules: [pMax], maxPerRule: Number.POSITIVE_INFINITY });
    const records = bad.length - 1 - 3 * 10;
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({ rule: 'p-max', count: records, first: { t: 10, tensor: 'conv.weight' }, last: { t: 39, tensor: 'fc.bias' } });
    const text = formatText(result, 'bad.jsonl');
    expect(text.split('\n').filter((l) => l.includes('[p-max]'))).toHaveLength(1);
    expect(text).toMatch(new RegExp(`\\[p-max\\] ${records}× \\(first line 32, t=10, tensor conv.weight; last line ${bad.length}, t=39, tensor fc.bias; tensors conv.weight, bn.weight, fc.bias\\)`));
    expect(JSON.parse(formatJson(result, 'bad.jsonl')).violations).toHaveLength(records);
  });

  it('one violation: its line, step and tensor; counts in the singular', () => {
    const trace = lines({ reading: READINGS.tensor });
    const i = trace.findIndex((l, k) => k > 0 && JSON.parse(l).nz === 1);
    const bad = trace.map((line, k) => (k === i ? line.replace(/"p":(\d+)/, (_, p) => `"p":${Number(p) + 1}`) : line));
    const result = checkText(joinLines(bad), { rules: [] });
    expect(result.exitCode).toBe(0); // no rules: nothing to say
    const all = checkText(joinLines(bad));
    const text = formatText(all, 'x');
    expect(text).not.toMatch(/\b1 [a-z-]+ components\b/);
    expect(text).toMatch(new RegExp(`line ${i + 1}, t=\\d+, tensor [a-z.]+ \\[`));
  });
});

describe('bad v2 input: one line naming the problem, exit 2', () => {
  const good = lines({ reading: READINGS.tensor });
  const edit = (k: number, f: (r: Record<string, unknown>) => void) => {
    const copy = [...good];
    const value = JSON.parse(copy[k]);
    f(value);
    copy[k] = JSON.stringify(value);
    return copy;
  };
  const cases: [string, string[], RegExp][] = [
    ['undeclared tensor', edit(3, (r) => (r.tensor = 'nope')), /tensor "nope" is not declared/],
    ['vector of the wrong length', edit(3, (r) => (r.h = (r.h as number[]).slice(1))), /has \d+ components/],
    ['sidecar block without a sidecar', edit(3, (r) => { delete r.h; delete r.hq; delete r.w; r.bin = { offset: 0, length: 1 }; }), /needs a sidecar/],
    ['record without summaries', edit(3, (r) => delete r.nz), /missing field "nz"/],
    ['tensor declared twice', edit(0, (h) => (h.tensors as unknown[]).push((h.tensors as unknown[])[0])), /declared twice/],
  ];
  for (const [name, trace, message] of cases) {
    it(name, () => {
      const result = checkText(joinLines(trace));
      expect(result.exitCode).toBe(2);
      expect(result.inputErrors[0].message).toMatch(message);
    });
  }
});
