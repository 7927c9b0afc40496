/**
 * b2a-all-zero: p rises within a step (above what the previous step's B.2b left it at) only by
 * B.2a, and B.2a raises only while the quantized step vanishes under the declared reading (SPEC
 * §7): `all` judges the whole step, `tensor` and `per-tensor` the current tensor's; test `all-zero`
 * (the paper) or `sum` (the reference). A raise to p means Q_{p−1}(h) vanished (and then so did
 * every coarser grid: the zero cell grows as p falls).
 *
 * Under the all-zero test a raise on a step whose components cancel is the reference's sum(dQ) == 0
 * test: it gets its own message. An implementation that runs that test after the step (raising p
 * for the next one) shows an unjustified rise right after a step whose hq cancels; the message then
 * names the previous step too.
 */
import { makeGrid } from '../../core/quantizer.ts';
import { nearestIndex } from '../precision.ts';
import type { TraceRecord, TraceSettings } from '../trace.ts';
import { combineVerdicts, quantizedStepVerdict, type Verdict } from '../vanishing.ts';
import { NOT_APPLICABLE, plural, type Outcome, type RuleDefinition } from './rule.ts';

/** Count of non-zero components of a full quantized step on G_p, and whether their grid integers sum to 0. */
function cancellation(values: ArrayLike<number>, p: number, settings: TraceSettings): { nonZero: number; sumsToZero: boolean } {
  const grid = makeGrid(settings.header.eta, settings.header.base, p);
  let nonZero = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    nonZero += 1;
    try {
      sum += nearestIndex(values[i], grid);
    } catch {
      sum = NaN;
    }
  }
  return { nonZero, sumsToZero: sum === 0 };
}

/** A hint when the previous step's hq cancels: the signature of a sum test run after the step. */
function lazyHint(previous: TraceRecord | undefined, settings: TraceSettings): string {
  if (!previous?.hq || previous.components || settings.reading.test === 'sum') return '';
  const { nonZero, sumsToZero } = cancellation(previous.hq, previous.p, settings);
  if (nonZero === 0 || !sumsToZero) return '';
  return `; the previous step's hq (line ${previous.line}, p = ${previous.p}) has ${plural(nonZero, 'non-zero component')} that sum to 0: a sum(hq) == 0 vanishing test run after the step? B.2a must test "all components zero" and re-quantize within the step (SPEC §7)`;
}

/** Judge a raise from `start` to `p` given what is known of Q_{p−1}(h) (of the tensor, or of the whole step). */
function judgeRaise(start: number, p: number, below: Verdict, scope: string, settings: TraceSettings, previous: TraceRecord | undefined): Outcome {
  const rise = `p rose from ${start} to ${p} within the step`;
  const q = `Q_${p - 1}(h)${scope}`;
  if (below.zero === true) return undefined;
  if (below.zero === undefined) return NOT_APPLICABLE;
  const count = below.nonZero === undefined ? 'non-zero components' : plural(below.nonZero, 'non-zero component');
  if (settings.reading.test === 'sum') {
    if (below.sum === 0) return undefined;
    if (below.sum === undefined) return NOT_APPLICABLE;
    return {
      message: `${rise} by B.2a, but ${q} has ${count} whose sum is not 0: under the declared sum test B.2a raises p only while sum(Q_p(h)) == 0`,
      expected: `p <= ${p - 1}`,
      found: `p = ${p}`,
    };
  }
  if (below.sum === 0) {
    return {
      message: `${rise} by B.2a, but ${q} has ${count} that sum to 0: the vanishing test must be "all components zero", not sum(hq) == 0 (SPEC §7)`,
      expected: `p = ${p - 1} (${q} is not all zero)`,
      found: `p = ${p}`,
    };
  }
  return {
    message: `${rise} by B.2a, but ${q} has ${count}: B.2a raises p only while the quantized step is all zero${lazyHint(previous, settings)}`,
    expected: `p <= ${p - 1}`,
    found: `p = ${p}`,
  };
}

/** A raise where B.2a does not run (off, or the first step of a reading that skips it). */
function notByB2a(start: number, p: number, settings: TraceSettings, previous: TraceRecord | undefined): Outcome {
  const why = settings.header.b2a ? 'but the declared reading skips B.2a on the first step (b2aOnFirstStep false)' : `but B.2a is off and the previous step's B.2b leaves p = ${start}`;
  return { message: `p rose from ${start} to ${p} within the step, ${why}${lazyHint(previous, settings)}`, expected: `p = ${start}`, found: `p = ${p}` };
}

export const b2aAllZero: RuleDefinition = {
  id: 'b2a-all-zero',
  severity: 'error',
  spec: '§7 B.2a',
  summary: 'p rises within a step only by B.2a, and only while Q_p(h) vanishes under the declared reading (v1: all zero, not merely summing to 0)',
  create: (settings) => {
    const { eta, base, b2a } = settings.header;
    const skipsFirst = !settings.reading.b2aOnFirstStep;
    // Version 2 with one index for all tensors: the whole step is judged on its last tensor's record.
    const wholeStep = settings.tensors !== undefined && settings.reading.granularity === 'all';
    let step: { t: number; start: number | undefined; p: number; first: boolean; verdicts: Verdict[] } | undefined;
    return (record, { stepStart, previous, first }) => {
      if (!wholeStep) {
        if (stepStart === undefined || record.p <= stepStart) return stepStart === undefined ? NOT_APPLICABLE : undefined;
        if (!b2a || (first && skipsFirst)) return notByB2a(stepStart, record.p, settings, previous);
        const scope = record.tensor ? ' of this tensor' : '';
        return judgeRaise(stepStart, record.p, quantizedStepVerdict(record, makeGrid(eta, base, record.p - 1), settings), scope, settings, previous);
      }
      if (record.tensor!.position === 0) step = { t: record.t, start: stepStart, p: record.p, first: first ?? false, verdicts: [] };
      if (!step || step.t !== record.t) return NOT_APPLICABLE;
      if (record.p !== step.p) {
        const outcome = {
          message: `tensor at p = ${record.p} while the step began at p = ${step.p}: the declared granularity "all" shares one index across the whole step`,
          expected: `p = ${step.p}`,
          found: `p = ${record.p}`,
        };
        step = undefined;
        return outcome;
      }
      const { start, p } = step;
      if (start !== undefined && p > start) step.verdicts.push(quantizedStepVerdict(record, makeGrid(eta, base, p - 1), settings));
      if (record.tensor!.name !== settings.lastTensor) return NOT_APPLICABLE;
      const done = step;
      step = undefined;
      if (done.start === undefined) return NOT_APPLICABLE;
      if (p <= done.start) return undefined;
      if (!b2a || (done.first && skipsFirst)) return notByB2a(done.start, p, settings, undefined);
      return judgeRaise(done.start, p, combineVerdicts(done.verdicts), ' of the whole step (all tensors)', settings, undefined);
    };
  },
};
