/**
 * The trace checker's shared pass over a record's vectors on the wasm kernel (assembly/scan.ts):
 * the same totals, bit for bit, as fusedJs in src/check/scan.ts, which stays the definition (and
 * the path taken when the kernels are off). Only vectors already in the kernels' memory (sidecar
 * blocks) go to the kernel: copying anything else in would cost what the kernel saves.
 */
import { QuantizerRangeError, type Grid, type QuantMode } from '../core/quantizer.ts';
import { kernels, MODE_CODE, setActiveGrids, type Kernels } from './kernels.ts';
import { GRID_RECORD, writeGridRecord } from './quantize.ts';

/** What the pass adds up over the components (see src/check/scan.ts). */
export interface ScanTotals {
  nonZero: number;
  sum: number;
  magnitude: number;
  max: number;
  notCore: number;
  offGrid: number;
  notSummed: number;
}

/** Flags of assembly/scan.ts. */
const SCAN = { CORE: 1, GRID: 2, SUM: 4 } as const;
/** Components per chunk of the kernel (assembly/scan.ts CHUNK). */
const CHUNK = 512;

interface Scratch {
  readonly record: Float64Array;
  readonly chunks: Float64Array;
  readonly out: Float64Array;
}
const scratchOf = new WeakMap<Kernels, Scratch>();

function scratch(k: Kernels): Scratch {
  let s = scratchOf.get(k);
  if (!s) {
    s = { record: k.float64(GRID_RECORD), chunks: k.float64(2 * CHUNK), out: k.float64(7) };
    scratchOf.set(k, s);
  }
  return s;
}

/** The byte offset of a Float64Array in the kernels' memory, else −1. */
function addressIn(k: Kernels, values: ArrayLike<number>): number {
  return values instanceof Float64Array ? k.address(values) : -1;
}

/** The grid of the kernel's exact lanes (one array, reused: the pass runs once per record). */
const activeGrid: Grid[] = [];

/**
 * The totals of the pass over hq.length components (h, w and before of that length too), comparing
 * hq with Q_p(h) (`core`), w with its nearest grid values (`grids`) and w with before + hq (when
 * `before` is given); undefined when the kernels are off, a vector lives outside their memory, or a
 * value leaves the quantizer's exact range (the JS path then says which).
 */
export function scanOnKernel(
  h: ArrayLike<number>,
  hq: ArrayLike<number>,
  w: ArrayLike<number>,
  before: ArrayLike<number> | undefined,
  grid: Grid,
  mode: QuantMode,
  core: boolean,
  grids: boolean,
): ScanTotals | undefined {
  const k = kernels();
  if (!k) return undefined;
  const hAt = addressIn(k, h);
  const hqAt = addressIn(k, hq);
  const wAt = addressIn(k, w);
  const beforeAt = before ? addressIn(k, before) : wAt;
  if (hAt < 0 || hqAt < 0 || wAt < 0 || beforeAt < 0) return undefined;
  const s = scratch(k);
  writeGridRecord(s.record, 0, grid);
  activeGrid[0] = grid;
  setActiveGrids(activeGrid);
  const flags = (core ? SCAN.CORE : 0) | (grids ? SCAN.GRID : 0) | (before ? SCAN.SUM : 0);
  try {
    k.exports.scanRange(hAt, hqAt, wAt, beforeAt, hq.length, k.address(s.record), MODE_CODE[mode], flags, k.address(s.chunks), k.address(s.out));
  } catch (error) {
    if (error instanceof QuantizerRangeError) return undefined;
    throw error;
  }
  const out = s.out;
  return { nonZero: out[0], sum: out[1], magnitude: out[2], max: out[3], notCore: out[4], offGrid: out[5], notSummed: out[6] };
}
