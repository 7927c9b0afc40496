/**
 * The tfjs QSGD and QtADAM optimizers against the core learning equation (SPEC §3 eq. 5, §7):
 * N steps on a tiny model, fed the same gradients, give the same float64 master weights bit for
 * bit, the tfjs variables hold exactly fround(master), and w_t − w_0 lies on G_{p(t)}. The
 * reference below spells Algorithm 1 out with the core's scalar quantizer and schedule functions
 * (not quantizedStep), so flattening, ordering, write-back and the clock are what is tested.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/tfjs/tf.ts';
import { AdamDirection, SgdDirection, type Direction } from '../../src/core/learning.ts';
import { makeGrid, quantize, type QuantMode } from '../../src/core/quantizer.ts';
import { boundTarget, type ScheduleParams } from '../../src/core/schedule.ts';
import { createRng, fillNormal } from '../../src/core/rng.ts';
import { loadTf } from '../../src/tfjs/backend.ts';
import { READINGS, type Reading } from '../../src/core/reading.ts';
import { DEFAULT_QUANTIZATION, learnerQuantization, QsgdOptimizer, QtAdamOptimizer, type CoreOptimizer, type QuantizationConfig } from '../../src/tfjs/optimizers.ts';

await loadTf({ quiet: true });

/** Algorithm 1 for one group of weights w[offset, offset+n) with its own index state. */
class ReferenceIndex {
  constructor(public p: number) {}
}

function referenceStep(
  w: Float64Array,
  h: Float64Array,
  groups: { offset: number; size: number; index: ReferenceIndex }[],
  lr: number,
  reading: Reading,
  params: ScheduleParams,
  avoidVanishing: boolean,
): void {
  const mode: QuantMode = reading.mode;
  const cap = reading.cap === 'reference' ? params.pMax + 1 : params.pMax;
  const vanished = (dq: number[]) => (reading.test === 'sum' ? dq.reduce((a, b) => a + b, 0) === 0 : dq.every((x) => x === 0));
  for (const { offset, size, index } of groups) {
    const quantizeAll = () => Array.from({ length: size }, (_, i) => quantize(-lr * h[offset + i], makeGrid(params.eta, params.base, index.p), mode));
    let dq = quantizeAll();
    while (vanished(dq) && avoidVanishing && index.p < cap) {
      index.p += 1;
      dq = quantizeAll();
    }
    for (let i = 0; i < size; i++) w[offset + i] += dq[i];
  }
}

interface Harness {
  master: Float64Array;
  reference: Float64Array;
  variables: Float32Array;
  initial: Float64Array;
  p: number[];
  referenceP: number[];
}

/** N steps of the optimizer on a 4-3-2 network and of the reference on the same gradients. */
function runBoth(makeOptimizer: () => CoreOptimizer, makeDirection: (n: number) => Direction, steps: number, seed = 7): Harness {
  let result!: Harness;
  tf.tidy(() => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' }), tf.layers.dense({ units: 2 })] });
    const rng = createRng(seed);
    model.setWeights(model.weights.map((w) => tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number), 0.5)), w.shape as number[])));
    const x = tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(32))), [8, 4]);
    const y = tf.tensor(Float32Array.from(fillNormal(rng, new Float64Array(16))), [8, 2]);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = makeOptimizer();
    optimizer.bind(variables);
    const sizes = variables.map((v) => v.size);
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    const reference = Float64Array.from(optimizer.master);
    const initial = Float64Array.from(reference);
    const q = optimizer.quantization as QuantizationConfig;
    const params = learnerQuantization(q, optimizer.learningRate).schedule;
    const { granularity } = q.reading;
    const indices = granularity === 'per-tensor' ? sizes.map(() => new ReferenceIndex(params.p0)) : [new ReferenceIndex(params.p0)];
    const groups =
      granularity === 'all' ? [{ offset: 0, size: total, index: indices[0] }] : sizes.map((size, i) => ({ offset: offsets[i], size, index: indices[granularity === 'per-tensor' ? i : 0] }));
    const direction = makeDirection(total);
    const h = new Float64Array(total);
    const g = new Float64Array(total);
    let t = 0;
    for (let step = 0; step < steps; step++) {
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, variables);
      variables.forEach((v, i) => g.set(grads[v.name].dataSync() as Float32Array, offsets[i]));
      direction.compute(g, h);
      referenceStep(reference, h, groups, optimizer.learningRate, q.reading, params, q.switches.avoidVanishing && (step > 0 || q.reading.b2aOnFirstStep));
      if (q.timeUnit === 'step') {
        if (q.switches.bound) for (const index of indices) index.p = Math.max(index.p, boundTarget(t, params));
        t += 1;
      }
      optimizer.applyGradients(grads);
    }
    const values = new Float32Array(total);
    variables.forEach((v, i) => values.set(v.dataSync() as Float32Array, offsets[i]));
    result = {
      master: Float64Array.from(optimizer.master),
      reference,
      variables: values,
      initial,
      p: Array.from(optimizer.learner.scheduler?.indices ?? []),
      referenceP: indices.map((i) => i.p),
    };
    optimizer.dispose();
  });
  return result;
}

const stepClock: QuantizationConfig = { ...DEFAULT_QUANTIZATION, timeUnit: 'step' };
const cases: { name: string; quantization: QuantizationConfig; lr: number }[] = [
  { name: 'one global index, clock per step, B.2a + B.2b', quantization: stepClock, lr: 2 ** -4 },
  { name: 'floor mode, p0 = 12, fine grid (float32 cannot hold it)', quantization: { ...stepClock, reading: { ...READINGS.paper, mode: 'floor' }, schedule: { ...stepClock.schedule, p0: 12 } }, lr: 2 ** -9 },
  { name: 'per-tensor reading', quantization: { ...stepClock, reading: READINGS['per-tensor'] }, lr: 2 ** -6 },
  { name: 'tensor reading (one index, tensor by tensor)', quantization: { ...stepClock, reading: READINGS.tensor }, lr: 2 ** -6 },
  { name: 'reference reading (sum test, p_max + 1 cap, no B.2a on step 0)', quantization: { ...stepClock, reading: READINGS.reference, switches: { avoidVanishing: true, bound: false }, schedule: { ...stepClock.schedule, pMax: 4 } }, lr: 2 ** -4 },
];

function expectEquivalent(r: Harness, p0: number): void {
  expect(Array.from(r.master)).toEqual(Array.from(r.reference));
  expect(r.p).toEqual(r.referenceP);
  expect(Array.from(r.variables)).toEqual(Array.from(r.master, Math.fround));
  // w_t − w_0 on the grid of the final (finest) index: the nested grids G_p ⊂ G_{p+1}.
  const Q = 2 ** Math.max(...r.p, p0);
  for (let i = 0; i < r.master.length; i++) expect(Number.isInteger((r.master[i] - r.initial[i]) * Q)).toBe(true);
  expect(r.master.some((w, i) => w !== r.initial[i])).toBe(true);
}

describe('tfjs QSGD / QtADAM equal the core learning equation fed the same gradients', () => {
  for (const c of cases) {
    it(`QSGD: ${c.name}`, () => {
      const r = runBoth(() => new QsgdOptimizer(c.lr, c.quantization), () => new SgdDirection(), 25);
      expectEquivalent(r, c.quantization.schedule.p0);
    });
    it(`QtADAM: ${c.name}`, () => {
      const r = runBoth(() => new QtAdamOptimizer(c.lr, c.quantization), (n) => new AdamDirection(n), 25);
      expectEquivalent(r, c.quantization.schedule.p0);
    });
  }

  it('the fine-grid case really needs the float64 master: float32 weights lose the grid', () => {
    const c = cases[1];
    const r = runBoth(() => new QtAdamOptimizer(c.lr, c.quantization), (n) => new AdamDirection(n), 25);
    expect(r.p[0]).toBeGreaterThanOrEqual(12);
    const Q = 2 ** r.p[0];
    // The float32 copies are not all w_0 + (a multiple of 1/Q): the master copy is what keeps eq. 5 exact.
    const offGrid = Array.from(r.variables).some((v, i) => !Number.isInteger((v - r.initial[i]) * Q));
    expect(offGrid).toBe(true);
  });

  it('catches a broken optimizer (round mode replaced by floor)', () => {
    class FloorQsgd extends QsgdOptimizer {
      constructor(lr: number, q: QuantizationConfig) {
        super(lr, { ...q, reading: { ...q.reading, mode: 'floor' } });
      }
    }
    const broken = runBoth(() => new FloorQsgd(2 ** -4, stepClock), () => new SgdDirection(), 10);
    // The reference reads the optimizer's own config, so compare against a round-mode reference run.
    const good = runBoth(() => new QsgdOptimizer(2 ** -4, stepClock), () => new SgdDirection(), 10);
    expect(Array.from(broken.master)).not.toEqual(Array.from(good.reference));
  });
});
