/**
 * `qle step`: an oracle for implementers. One step of Algorithm 1 (SPEC §7) on given unquantized
 * steps h = −λ·direction, tensor by tensor, under a reading of B.2a — computed by the core Learner
 * itself (stepFromUpdate), so the answer is exactly what every qle caller does. The quantizer's
 * exactness contract holds for every hq (SPEC §1: the grid integer exact for the input double, the
 * output the double nearest k/Q_p).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { Learner } from '../core/learner.ts';
import { describeReading, READING_SWITCHES, resolveReading, type Reading, type ReadingName } from '../core/reading.ts';
import { REFERENCE_SCHEDULE, type ScheduleParams } from '../core/schedule.ts';
import { raiseCeiling } from '../core/reading.ts';

export const STEP_SCHEMA_PATH = fileURLToPath(new URL('../../schema/step.schema.json', import.meta.url));

export interface StepInput {
  readonly reading?: ReadingName | Partial<Reading>;
  readonly schedule?: { base?: number; eta?: number; C?: number; beta?: number; kappa?: number; pmax?: number; b2a?: boolean; b2b?: boolean };
  readonly t: number;
  readonly p: number | Readonly<Record<string, number>>;
  readonly tensors: readonly { readonly name: string; readonly h: readonly number[] }[];
}

export interface StepOutput {
  readonly reading: string;
  readonly p: number | Record<string, number>;
  readonly tensors: { name: string; p: number; hq: number[] }[];
  readonly raises: { tensor: string | null; from: number; to: number }[];
}

/** Input that is valid JSON of the wrong shape or meaning: the message names the field. */
export class StepInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepInputError';
  }
}

let validate: { input: ValidateFunction; output: ValidateFunction } | undefined;

function validators(): { input: ValidateFunction; output: ValidateFunction } {
  if (!validate) {
    const schema = JSON.parse(readFileSync(STEP_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });
    ajv.addSchema(schema);
    const id = schema.$id as string;
    validate = { input: ajv.getSchema(`${id}#/definitions/input`)!, output: ajv.getSchema(`${id}#/definitions/output`)! };
  }
  return validate;
}

/** Check the shape against schema/step.schema.json; throws StepInputError naming the first problem. */
export function parseStepInput(value: unknown): StepInput {
  const check = validators().input;
  if (!check(value)) {
    const error = check.errors![0];
    const where = error.instancePath ? `input${error.instancePath.replaceAll('/', '.')}` : 'input';
    throw new StepInputError(`${where} ${error.message}${error.params && 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : ''}`);
  }
  return value as StepInput;
}

/** True when the output matches the published schema (the tests hold the oracle to it). */
export function validStepOutput(value: unknown): boolean {
  return validators().output(value) as boolean;
}

/** One step of Algorithm 1 under the input's reading: the oracle's answer. */
export function oracleStep(input: StepInput): StepOutput {
  const reading = resolveReading(input.reading ?? 'paper');
  const presetSwitches = typeof input.reading === 'string' ? READING_SWITCHES[input.reading] : {};
  const given = input.schedule ?? {};
  const names = input.tensors.map((t) => t.name);
  if (new Set(names).size !== names.length) throw new StepInputError(`tensor names must be distinct, got ${names.join(', ')}`);
  const perTensor = reading.granularity === 'per-tensor';
  const indices = indicesOf(input.p, names, perTensor);
  const pMax = given.pmax ?? REFERENCE_SCHEDULE.pMax;
  const ceiling = raiseCeiling(reading.cap, pMax);
  for (const [i, p] of indices.entries()) {
    if (p > ceiling) throw new StepInputError(`${perTensor ? `p.${names[i]}` : 'p'} = ${p} exceeds the highest index the ${reading.cap} cap allows (${ceiling})`);
  }
  input.tensors.forEach((tensor, i) =>
    tensor.h.forEach((x, j) => {
      if (!Number.isFinite(x)) throw new StepInputError(`tensors[${i}].h[${j}] must be a finite number, got ${x}`);
    }),
  );
  const p0 = Math.min(...indices);
  const schedule: ScheduleParams = {
    base: given.base ?? REFERENCE_SCHEDULE.base,
    eta: given.eta ?? REFERENCE_SCHEDULE.eta,
    C: given.C ?? REFERENCE_SCHEDULE.C,
    beta: given.beta ?? REFERENCE_SCHEDULE.beta,
    kappa: given.kappa ?? REFERENCE_SCHEDULE.kappa,
    // The grids the learner builds start at the lowest index given; p_0 has no other role in one step.
    p0,
    pMax: Math.max(pMax, p0),
  };
  const learner = new Learner({
    direction: 'plain',
    learningRate: 1,
    quantization: {
      reading,
      schedule,
      b2a: given.b2a ?? true,
      b2b: given.b2b ?? presetSwitches.b2b ?? true,
      clock: 'step',
      weightsOnGrid: false,
    },
    tensors: input.tensors.map((t) => ({ name: t.name, size: t.h.length })),
  });
  // The learner's own step counter is t: the reference reading skips B.2a on the first step (t = 0).
  learner.restore({ steps: input.t, scheduler: { p: indices, t: input.t } });
  const d = Float64Array.from(input.tensors.flatMap((t) => t.h));
  const report = learner.stepFromUpdate(new Float64Array(d.length), d);
  const scheduler = learner.scheduler!;
  let offset = 0;
  const tensors = input.tensors.map((tensor, i) => {
    const hq = Array.from(learner.quantizedStep.subarray(offset, offset + tensor.h.length), (x) => (x === 0 ? 0 : x));
    offset += tensor.h.length;
    return { name: tensor.name, p: report.tensorIndex[i], hq };
  });
  const raises: StepOutput['raises'] = [];
  if (reading.granularity === 'all') {
    if (report.raises[0] > 0) raises.push({ tensor: null, from: report.tensorStartIndex[0], to: report.tensorIndex[0] });
  } else {
    input.tensors.forEach((tensor, i) => {
      if (report.tensorIndex[i] !== report.tensorStartIndex[i]) raises.push({ tensor: tensor.name, from: report.tensorStartIndex[i], to: report.tensorIndex[i] });
    });
  }
  const after = Array.from(scheduler.indices);
  return {
    reading: describeReading(reading),
    p: perTensor ? Object.fromEntries(names.map((name, i) => [name, after[i]])) : after[0],
    tensors,
    raises,
  };
}

function indicesOf(p: StepInput['p'], names: readonly string[], perTensor: boolean): number[] {
  if (!perTensor) {
    if (typeof p !== 'number') throw new StepInputError('p must be one integer unless the granularity is per-tensor');
    return [p];
  }
  if (typeof p === 'number') throw new StepInputError(`p must be an object {"<tensor>": integer} under granularity per-tensor (tensors: ${names.join(', ')})`);
  const extra = Object.keys(p).filter((k) => !names.includes(k));
  if (extra.length > 0) throw new StepInputError(`p names ${extra.join(', ')}, which ${extra.length === 1 ? 'is not a tensor' : 'are not tensors'}`);
  return names.map((name) => {
    if (!(name in p)) throw new StepInputError(`p has no index for tensor ${name}`);
    return p[name];
  });
}
