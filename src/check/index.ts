/**
 * `qle/check`: the trace checker as a library. Check a trace of your own implementation of the
 * quantized learning equation (a file or a string) against the SPEC, format the result as the
 * CLI does, write traces in the format the checker reads, and build the conformance vectors.
 */
export { checkFile, checkText, TraceChecker, TraceFileError } from './checker.ts';
export type { CheckOptions, CheckResult, ExitCode, Position, RuleSummary, Violation, ViolationGroup } from './checker.ts';
export { formatJson, formatText } from './report.ts';
export { RULES } from './rules/index.ts';
export type { RuleDefinition, Severity } from './rules/index.ts';
export { SCHEMA_PATH, SCHEMA_V2_PATH, TRACE_FORMAT, TRACE_VERSION, TRACE_VERSION_2, traceSchema, traceSchemaV2 } from './schema.ts';
export { sampleIndices } from './trace.ts';
export type { Precision, TraceHeader, TraceRecord } from './trace.ts';
export { headerLine, headerLineV2, recordLine, scheduleFields, SidecarWriter, tensorRecordLine, tensorSummary } from './writer.ts';
export type { HeaderFields, HeaderFieldsV2, RecordFields, TensorRecordFields } from './writer.ts';
export { buildVectors, learningVectors, quantizerVectors, scheduleVectors, verifyVectors } from './vectors.ts';
export type { VectorFiles } from './vectors.ts';
