/**
 * Full vectors at network scale go through the checker's fast path (src/check/scan.ts: one pass per
 * record, on the wasm kernel for sidecar blocks, in JS for inline vectors). A single component one
 * ulp off at the very end of the largest tensor's vectors is still caught, by the same rules with
 * the same messages on both paths.
 */
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile, checkText, type CheckResult } from '../../src/check/checker.ts';
import { sampleTraceV2, type SampleRunV2Options } from '../../src/check/sample-run.ts';
import { SidecarWriter } from '../../src/check/writer.ts';
import { nextUp } from '../../src/core/floats.ts';
import { READINGS } from '../../src/core/reading.ts';
import { joinLines } from './fixtures.ts';

/** The largest tensor of ResNet-32 (layer3 3×3 convolutions, 64 → 64 channels) between two small ones. */
const BIG = { name: 'layer3.4.conv2.weight', size: 64 * 64 * 9 };
const RUN: SampleRunV2Options = {
  steps: 4,
  tensors: [{ name: 'conv1.weight', size: 432 }, BIG, { name: 'linear.bias', size: 10 }],
  reading: READINGS.tensor,
  lambda: 2 ** -10,
  noise: 0.1,
};
const dir = mkdtempSync(join(tmpdir(), 'qle-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writer = new SidecarWriter(join(dir, 'run.bin'), 'float64');
const sidecarLines = [...sampleTraceV2({ ...RUN, sidecar: { writer, file: 'run.bin' } })];
writer.close();
const inlineLines = [...sampleTraceV2(RUN)];
/** The big tensor's record at t = 2 (it has a previous record, so every rule applies). */
const target = sidecarLines.findIndex((line, i) => i > 0 && JSON.parse(line).tensor === BIG.name && JSON.parse(line).t === 2);
const bin = JSON.parse(sidecarLines[target]).bin as { offset: number; length: number };

/** The trace with one component of one vector (0 = h, 1 = hq, 2 = w) of the target record one ulp up, in the sidecar. */
async function corruptSidecar(vector: number, component: number): Promise<CheckResult> {
  const name = `v${vector}-${component}`;
  copyFileSync(join(dir, 'run.bin'), join(dir, `${name}.bin`));
  const fd = openSync(join(dir, `${name}.bin`), 'r+');
  const at = bin.offset + 8 * (vector * bin.length + component);
  const value = new Float64Array(1);
  readSync(fd, new Uint8Array(value.buffer), 0, 8, at);
  value[0] = nextUp(value[0]);
  writeSync(fd, new Uint8Array(value.buffer), 0, 8, at);
  closeSync(fd);
  const header = JSON.parse(sidecarLines[0]);
  header.sidecar.file = `${name}.bin`;
  writeFileSync(join(dir, `${name}.jsonl`), joinLines([JSON.stringify(header), ...sidecarLines.slice(1)]));
  return checkFile(join(dir, `${name}.jsonl`));
}

/** The same corruption in the inline trace (the JS path). */
function corruptInline(vector: number, component: number): CheckResult {
  const record = JSON.parse(inlineLines[target]);
  const values = record[['h', 'hq', 'w'][vector]] as number[];
  values[component] = nextUp(values[component]);
  return checkText(joinLines([...inlineLines.slice(0, target), JSON.stringify(record), ...inlineLines.slice(target + 1)]));
}

const last = BIG.size - 1;

describe('one ulp off deep inside a long full vector is caught', () => {
  it('the clean trace passes, with every vector rule checking the big tensor', async () => {
    writeFileSync(join(dir, 'clean.jsonl'), joinLines(sidecarLines));
    const clean = await checkFile(join(dir, 'clean.jsonl'));
    expect(clean.exitCode).toBe(0);
    for (const rule of ['quantize', 'error-bound', 'summary', 'on-grid', 'update'])
      expect(clean.summary.find((s) => s.rule === rule)!.checked).toBeGreaterThan(0);
  });

  it('the last weight of the largest tensor: on-grid and update name it, in the sidecar (wasm) and inline (JS)', async () => {
    const sidecar = await corruptSidecar(2, last);
    const inline = corruptInline(2, last);
    expect(sidecar.exitCode).toBe(1);
    const first = sidecar.violations.filter((v) => v.line === target + 1);
    expect(first.map((v) => v.rule).sort()).toEqual(['on-grid', 'update']);
    for (const v of first) {
      expect(v.tensor).toBe(BIG.name);
      expect(v.t).toBe(2);
      expect(v.message).toContain(`w[${last}]`);
    }
    expect(sidecar.violations).toEqual(inline.violations);
    expect(sidecar.summary).toEqual(inline.summary);
  });

  it('the last component of hq: quantize names it, the same on both paths', async () => {
    const sidecar = await corruptSidecar(1, last);
    const inline = corruptInline(1, last);
    expect(sidecar.exitCode).toBe(1);
    const quantize = sidecar.violations.find((v) => v.rule === 'quantize')!;
    expect(quantize.line).toBe(target + 1);
    expect(quantize.message).toContain(`hq[${last}] is not Q_`);
    expect(sidecar.violations).toEqual(inline.violations);
  });

  it('a component in the middle of h, where it changes max |h| or Q_p(h), is caught the same way on both paths', async () => {
    const middle = BIG.size >> 1;
    const sidecar = await corruptSidecar(0, middle);
    const inline = corruptInline(0, middle);
    expect(sidecar.violations).toEqual(inline.violations);
    expect(sidecar.summary).toEqual(inline.summary);
  });
});
