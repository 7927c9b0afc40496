/**
 * The published trace schema (schema/trace.schema.json) compiled with ajv: the one definition of
 * what a header and a record look like. The reader adds only what JSON Schema cannot say
 * (equal lengths of h and hq, Q on the η·b^p lattice, consistent sizes across records).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** Where the schema file lives (published with the package). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../schema/trace.schema.json', import.meta.url));

/** The trace format version this checker reads. */
export const TRACE_FORMAT = 'qle-trace';
export const TRACE_VERSION = 1;

export const traceSchema: Record<string, unknown> = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));

/** Version 2: per-tensor records, the declared reading of B.2a, sampled vectors, a binary sidecar. */
export const SCHEMA_V2_PATH = fileURLToPath(new URL('../../schema/trace-v2.schema.json', import.meta.url));
export const TRACE_VERSION_2 = 2;
export const traceSchemaV2: Record<string, unknown> = JSON.parse(readFileSync(SCHEMA_V2_PATH, 'utf8'));

export interface TraceValidators {
  readonly header: ValidateFunction;
  readonly record: ValidateFunction;
  /** The whole schema: a line is a header or a record. */
  readonly line: ValidateFunction;
}

const validators = new Map<number, TraceValidators>();

/** Compile the schema of a format version once per process. */
export function traceValidators(version: 1 | 2 = 1): TraceValidators {
  let found = validators.get(version);
  if (!found) {
    const schema = version === 1 ? traceSchema : traceSchemaV2;
    const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, validateSchema: false, code: { optimize: false } });
    ajv.addSchema(schema);
    const id = schema.$id as string;
    found = {
      header: ajv.getSchema(`${id}#/definitions/header`)!,
      record: ajv.getSchema(`${id}#/definitions/record`)!,
      line: ajv.getSchema(id)!,
    };
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
