/**
 * Fuzzing the trace reader with fast-check .
 *
 * Seed and run count from properties/config.ts (QLE_SEED, QLE_RUNS).
 * The property: whatever the bytes, checking never throws and returns either records or
 * line-numbered errors (exit 2 comes with at least one error naming a line). Each property is also
 * run against a deliberately broken reader and must find a counterexample, so the property can fail.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectCaught, findCounterexample, holds, RUNS } from '../../properties/config.ts';
import { checkText, TraceChecker, type CheckResult } from '../../src/check/checker.ts';
import { SCHEMA_PATH } from '../../src/check/schema.ts';
import { parseHeader, parseRecord } from '../../src/check/trace.ts';
import { joinLines, sampleLines } from './fixtures.ts';

const good = sampleLines({ steps: 12 });
type Check = (text: string) => CheckResult;

/** Records or line-numbered errors, and a sane exit code. */
function wellFormed(check: Check, text: string): boolean {
  const result = check(text);
  if (![0, 1, 2].includes(result.exitCode)) return false;
  if ((result.exitCode === 2) !== (result.inputErrors.length > 0)) return false;
  for (const error of result.inputErrors) {
    if (!(Number.isInteger(error.line) && error.line >= 1 && error.line <= result.lines + 1)) return false;
    if (error.message.length === 0 || error.message.includes('\n')) return false;
  }
  return result.violations.every((v) => v.line >= 2 && v.line <= result.lines);
}

/** A naive reader: JSON.parse on every line, unguarded (what the property must catch). */
const unguarded: Check = (text) => {
  for (const line of text.split('\n')) if (line.trim()) JSON.parse(line);
  return checkText(text);
};

/** A naive splitter: no BOM or CR handling (what the line-end property must catch). */
const naiveSplit: Check = (text) => {
  const checker = new TraceChecker();
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  parts.forEach((part, i) => checker.accept({ number: i + 1, text: part, terminated: true, tooLong: false }));
  return checker.finish();
};

const junk = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-0', '1e999', '1e300', '-1e300', '5e-324', '99', 'null', 'true', '"x"', '[]', '{}', '\uFEFF', '\r', '', '}', '"', ',', '1.5'),
  fc.string({ maxLength: 4 }),
);

/** One mutation of a valid trace. */
const mutatedTrace = fc
  .record({
    line: fc.nat(good.length - 1),
    at: fc.nat(400),
    kind: fc.constantFrom('delete', 'insert', 'truncate', 'replace-number', 'drop-field', 'duplicate', 'swap', 'bom', 'crlf', 'no-final-newline'),
    junk,
    other: fc.nat(good.length - 1),
  })
  .map(({ line, at, kind, junk: piece, other }) => {
    const lines = [...good];
    const text = lines[line];
    const pos = at % (text.length + 1);
    switch (kind) {
      case 'delete':
        lines[line] = text.slice(0, pos) + text.slice(pos + 1);
        break;
      case 'insert':
        lines[line] = text.slice(0, pos) + piece + text.slice(pos);
        break;
      case 'truncate':
        lines[line] = text.slice(0, pos);
        break;
      case 'replace-number': {
        let n = 0;
        lines[line] = text.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, (m) => (n++ === at % 7 ? piece : m));
        break;
      }
      case 'drop-field': {
        const value = JSON.parse(text) as Record<string, unknown>;
        delete value[Object.keys(value)[at % Object.keys(value).length]];
        lines[line] = JSON.stringify(value);
        break;
      }
      case 'duplicate':
        lines.splice(line, 0, text);
        break;
      case 'swap':
        [lines[line], lines[other]] = [lines[other], lines[line]];
        break;
      case 'bom':
        return `\uFEFF${joinLines(lines)}`;
      case 'crlf':
        return `${lines.join('\r\n')}\r\n`;
      case 'no-final-newline':
        return lines.join('\n');
    }
    return joinLines(lines);
  });

const arbitraryText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom(...good), fc.json(), junk), { maxLength: 8 }).map((parts) => parts.join('\n')),
);

describe('the reader never throws and always answers with records or line-numbered errors', () => {
  it('arbitrary strings', () => {
    holds(fc.property(arbitraryText, (text) => wellFormed(checkText, text)), RUNS);
  });

  it('mutated valid traces', () => {
    holds(fc.property(mutatedTrace, (text) => wellFormed(checkText, text)), RUNS);
  });

  it('catches a broken reader (unguarded JSON.parse): the property finds a counterexample', () => {
    expectCaught(findCounterexample('unguarded JSON.parse', fc.property(mutatedTrace, (text) => wellFormed(unguarded, text))));
  });
});

describe('a BOM, CRLF line ends and the final newline do not change the verdict', () => {
  const canonical = checkText(joinLines(good));
  const dressed = fc
    .record({ bom: fc.boolean(), crlf: fc.boolean(), finalNewline: fc.boolean() })
    .map(({ bom, crlf, finalNewline }) => `${bom ? '\uFEFF' : ''}${good.join(crlf ? '\r\n' : '\n')}${finalNewline ? (crlf ? '\r\n' : '\n') : ''}`);
  const same = (check: Check) => (text: string) => {
    const result = check(text);
    return result.exitCode === canonical.exitCode && JSON.stringify(result.summary) === JSON.stringify(canonical.summary);
  };

  it('holds for the reader', () => {
    holds(fc.property(dressed, same(checkText)), Math.min(RUNS, 50));
  });

  it('catches a naive splitter without BOM/CR handling', () => {
    expectCaught(findCounterexample('naive splitter', fc.property(dressed, same(naiveSplit)), Math.min(RUNS, 50)));
  });
});

describe('the published schema and the reader agree', () => {
  // The schema file read and compiled afresh, independent of src/check/schema.ts.
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  const ajv = new Ajv({ strictRequired: false });
  const schemaRecord = ajv.compile(schema.definitions.record);
  const schemaHeader = ajv.compile(schema.definitions.header);
  const header = parseHeader({ number: 1, text: good[0], terminated: true, tooLong: false });
  if (!header.ok) throw new Error('sample header must parse');
  // What the reader may add on top of the schema (documented in src/check/trace.ts).
  const SEMANTIC = /is not η·b\^p|disagree|components|outside 2\^±1000|earlier records/;

  const value = fc.oneof(
    fc.integer({ min: -3, max: 40 }),
    fc.double(),
    fc.constantFrom(0.5, 2 ** -7, 8, 1e300, -1, '3', null, true),
    fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('x', null)), { maxLength: 3 }),
  );
  const recordObject = fc.record({ t: value, p: value, Q: value, h: value, hq: value, w: value, loss: value, extra: value }, { requiredKeys: [] });

  const agrees = (readerAccepts: (text: string) => { ok: boolean; message?: string }) => (object: Record<string, unknown>) => {
    const text = JSON.stringify(object);
    const schemaOk = schemaRecord(JSON.parse(text)) as boolean;
    const reader = readerAccepts(text);
    return schemaOk === reader.ok || (schemaOk && !reader.ok && SEMANTIC.test(reader.message ?? ''));
  };
  const reader = (text: string) => {
    const parsed = parseRecord({ number: 2, text, terminated: true, tooLong: false }, header.value, {});
    return parsed.ok ? { ok: true } : { ok: false, message: parsed.error.message };
  };

  it('on records: the reader accepts exactly the schema-valid lines, less its documented semantic checks', () => {
    holds(fc.property(recordObject, agrees(reader)), RUNS * 4);
  });

  it('catches a hand-rolled reader that accepts a fractional t', () => {
    const loose = (text: string) => {
      const r = JSON.parse(text);
      return { ok: r && typeof r.t === 'number' && (Number.isInteger(r.p) || typeof r.Q === 'number') };
    };
    expectCaught(findCounterexample('reader accepting fractional t', fc.property(recordObject, agrees(loose)), RUNS * 4));
  });

  it('on headers: the sample header with one field dropped or changed', () => {
    const base = JSON.parse(good[0]);
    const mutated = fc.record({ key: fc.constantFrom(...Object.keys(base)), drop: fc.boolean(), value }).map(({ key, drop, value: v }) => {
      const copy = { ...base };
      if (drop) delete copy[key];
      else copy[key] = v;
      return copy;
    });
    holds(
      fc.property(mutated, (object) => {
        const text = JSON.stringify(object);
        const schemaOk = schemaHeader(JSON.parse(text)) as boolean;
        const parsed = parseHeader({ number: 1, text, terminated: true, tooLong: false });
        return schemaOk === parsed.ok || (schemaOk && !parsed.ok && /must|exceed|outside/.test(parsed.error.message));
      }),
    );
  });
});
