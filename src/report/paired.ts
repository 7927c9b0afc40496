/**
 * One entry of a paired comparison family, as the simulation studies write it into results.json
 * and the claims ledger reads it back, and the count of its decisions. Both layers import it from
 * here (src/claims does not import simulations/).
 */
import type { Decision } from '../core/stats.ts';

export interface PairedEntry {
  readonly group: string;
  readonly runs: number;
  readonly subjectRate: number;
  readonly otherRate: number;
  /** Discordant runs: hit by the subject only, by the other only. */
  readonly onlySubject: number;
  readonly onlyOther: number;
  readonly p: number;
  readonly pHolm: number;
  readonly decision: Decision;
}

/** The entries of a family grouped by their decision. */
export function byDecision<E extends { readonly decision: Decision }>(entries: readonly E[]): Record<Decision, E[]> {
  const out: Record<Decision, E[]> = { higher: [], lower: [], indistinguishable: [] };
  for (const e of entries) out[e.decision].push(e);
  return out;
}
