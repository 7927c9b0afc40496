/**
 * The trace schemas compiled ahead of time (src/check/trace-validators.generated.ts): the committed
 * module is exactly what `npm run build:validators` makes of the schema files, and the checker uses
 * it (so `qle check` starts without compiling them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED, validatorsSource } from '../../src/check/build-validators.ts';
import { traceValidators } from '../../src/check/schema.ts';
import * as generated from '../../src/check/trace-validators.generated.ts';

describe('precompiled trace validators', () => {
  it('the committed module is the one the schemas give (run `npm run build:validators` after editing a schema)', () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(validatorsSource());
  });

  it('the checker uses them while the schemas are unchanged', () => {
    expect(traceValidators(1).record).toBe(generated.record1);
    expect(traceValidators(2).header).toBe(generated.header2);
    expect(traceValidators(2).record).toBe(generated.record2);
  });

  it('they reject what the schema rejects, with ajv errors', () => {
    const record = traceValidators(2).record;
    expect(record({ t: 0, p: 1, tensor: 'a', nz: 0, sumHq: 0, maxAbsH: 0 })).toBe(true);
    expect(record({ t: 0.5, p: 1, tensor: 'a', nz: 0, sumHq: 0, maxAbsH: 0 })).toBe(false);
    expect(record.errors?.[0].instancePath).toBe('/t');
  });
});
