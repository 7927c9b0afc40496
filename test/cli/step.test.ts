/** `qle step` (issue 9): the oracle's answer for every reading through the real CLI, held to the published schema; bad input is one line and exit 2. */
import { describe, expect, it } from 'vitest';
import { validStepOutput } from '../../src/check/step-oracle.ts';
import { READING_NAMES } from '../../src/core/reading.ts';
import { runQle } from './run.ts';

const tensors = [
  { name: 'conv', h: [0.3, -0.3] },
  { name: 'bn', h: [1e-3, -2e-3] },
  { name: 'fc', h: [0.2] },
];

describe('qle step', () => {
  for (const reading of READING_NAMES) {
    it(`answers the ${reading} reading with schema-valid JSON on stdout and nothing on stderr`, () => {
      const p = reading === 'per-tensor' ? { conv: 3, bn: 3, fc: 3 } : 3;
      const r = runQle(['step', '--json'], JSON.stringify({ reading, t: 4, p, schedule: { pmax: 12 }, tensors }));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(validStepOutput(out)).toBe(true);
      expect(out.reading).toBe(reading);
      expect(out.tensors.map((t: { name: string }) => t.name)).toEqual(['conv', 'bn', 'fc']);
      // bn's steps vanish at p = 3 (Q = 8): tensor and per-tensor raise for it; paper (all) does not,
      // since conv survives; the reference's sum test raises conv, whose ±0.3 cancel at every p, to p_max + 1.
      const raised = out.raises.map((x: { tensor: string | null; to: number }) => [x.tensor, x.to]);
      if (reading === 'paper') expect(raised).toEqual([]);
      else if (reading === 'reference') expect(raised).toEqual([['conv', 13]]);
      else expect(raised.map(([name]: [string]) => name)).toEqual(['bn']);
    });
  }

  it('differs between readings on the same input: the global index under tensor, one index per tensor under per-tensor', () => {
    const input = (reading: string, p: unknown) => JSON.stringify({ reading, t: 4, p, schedule: { pmax: 12, b2b: false }, tensors });
    const tensor = JSON.parse(runQle(['step'], input('tensor', 3)).stdout);
    const perTensor = JSON.parse(runQle(['step'], input('per-tensor', { conv: 3, bn: 3, fc: 3 })).stdout);
    // tensor: the raise for bn carries over to fc; per-tensor: fc keeps its own index.
    expect(tensor.tensors[2].p).toBe(tensor.tensors[1].p);
    expect(perTensor.tensors[2].p).toBe(3);
    expect(perTensor.p).toEqual({ conv: 3, bn: perTensor.tensors[1].p, fc: 3 });
  });

  it.each([
    ['not JSON', 'nope', /not valid JSON/],
    ['an unknown reading', JSON.stringify({ reading: 'papr', t: 0, p: 0, tensors }), /reading/],
    ['p as an object without per-tensor granularity', JSON.stringify({ t: 0, p: { conv: 0 }, tensors }), /p must be one integer/],
    ['a missing tensor index under per-tensor', JSON.stringify({ reading: 'per-tensor', t: 0, p: { conv: 0 }, tensors }), /no index for tensor bn/],
    ['an index above the cap', JSON.stringify({ t: 0, p: 40, tensors }), /exceeds/],
    ['a step out of the quantizer\'s range', JSON.stringify({ t: 0, p: 30, tensors: [{ name: 'a', h: [1e300] }] }), /2\^53|range/],
    ['duplicate tensor names', JSON.stringify({ t: 0, p: 0, tensors: [tensors[0], tensors[0]] }), /distinct/],
  ])('refuses %s in one line, exit 2', (_what, input, message) => {
    const r = runQle(['step'], input);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
