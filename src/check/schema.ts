/**
 * The published trace schema (schema/trace.schema.json) compiled with ajv: the one definition of
 * what a header and a record look like. The reader adds only what JSON Schema cannot say
 * (equal lengths of h and hq, Q on the η·b^p lattice, consistent sizes across records).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import * as generated from './trace-validators.generated.ts';

/** Where the schema file lives (published with the package). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/trace.schema.json', import.meta.url));

/** The trace format version this checker reads. */
export const TRACE_FORMAT = 'qle-trace';
export const TRACE_VERSION = 1;

const schemaText = readFileSync(SCHEMA_PATH, 'utf8');
export const traceSchema: Record<string, unknown> = JSON.parse(schemaText);

/** Version 2: per-tensor records, the declared reading of B.2a, sampled vectors, a binary sidecar. */
export const SCHEMA_V2_PATH = fileURLToPath(new URL('../../schema/trace-v2.schema.json', import.meta.url));
export const TRACE_VERSION_2 = 2;
const schemaV2Text = readFileSync(SCHEMA_V2_PATH, 'utf8');
export const traceSchemaV2: Record<string, unknown> = JSON.parse(schemaV2Text);

/** A compiled schema: true when the data is valid, else false with the errors in `errors`. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export interface TraceValidators {
  readonly header: Validator;
  readonly record: Validator;
  /** The whole schema: a line is a header or a record. */
  readonly line: Validator;
}

/** How the schemas are compiled, here and into trace-validators.generated.ts (build-validators.ts). */
export const AJV_OPTIONS = { allErrors: false, strict: true, strictRequired: false } as const;

/** The sha256 of a schema file's text: which text the generated validators were compiled from. */
export function schemaDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const validators = new Map<number, TraceValidators>();

/**
 * The validators of a format version: the ones generated from the schema (no compilation at start:
 * a fifth of the time of checking a 9-million-weight trace) while the schema text is the one they
 * were generated from, else the schema compiled once per process.
 */
export function traceValidators(version: 1 | 2 = 1): TraceValidators {
  let found = validators.get(version);
  if (!found) {
    const text = version === 1 ? schemaText : schemaV2Text;
    if (schemaDigest(text) === generated.digests[version]) {
      found = version === 1
        ? { header: generated.header1, record: generated.record1, line: generated.line1 }
        : { header: generated.header2, record: generated.record2, line: generated.line2 };
    } else {
      const schema = version === 1 ? traceSchema : traceSchemaV2;
      // ajv itself is loaded only here: with the generated validators, `qle check` never needs it.
      const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
      const ajv = new Ajv(AJV_OPTIONS);
      ajv.addSchema(schema);
      const id = schema.$id as string;
      found = {
        header: ajv.getSchema(`${id}#/definitions/header`)!,
        record: ajv.getSchema(`${id}#/definitions/record`)!,
        line: ajv.getSchema(id)!,
      };
    }
    validators.set(version, found);
  }
  return found;
}

/** One line naming the first schema error: `field "p": must be integer`. */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'does not match the trace schema';
  if (errors!.some((e) => e.keyword === 'anyOf')) return 'needs field "p" or "Q"';
  if (error.keyword === 'required') return `missing field "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === 'anyOf') return 'needs "p" or "Q"';
  const where = error.instancePath ? `field "${error.instancePath.slice(1).replace(/\//g, '.')}"` : 'line';
  const detail =
    error.keyword === 'const'
      ? `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`
      : error.keyword === 'enum'
        ? `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
        : error.message ?? 'is invalid';
  return `${where} ${detail}`;
}
