/**
 * The quantize + B.2a pass on the wasm kernel (assembly/pass.ts): same decisions, same bits as
 * JsQuantizePass (src/core/quantize-pass.ts). The learner's arrays (d, dQ, the report, the
 * scheduler's indices) live in the kernels' memory, so a step copies nothing when w and h do too
 * (a Population's w and g, a tfjs optimizer's master weights); otherwise they are copied in and out.
 *
 * The kernel only counts B.2a raises per slot; they reach the indices through Scheduler.raise here,
 * so the scheduler's narrow face (raise, tick, restore) stays the only way an index changes.
 */
import type { PassContext, QuantizePass } from '../core/quantize-pass.ts';
import { makeGrid, type Grid } from '../core/quantizer.ts';
import { setActiveGrids, type Kernels } from './kernels.ts';
import { GRID_RECORD, writeGridRecord } from './quantize.ts';

/** The configuration block of assembly/pass.ts (i32 words). */
const C = {
  RUNS: 0,
  DIMS: 1,
  SEGMENTS: 2,
  SLOTS_PER_RUN: 3,
  TENSORS_PER_RUN: 4,
  SEGMENT_TABLE: 5,
  INDICES: 6,
  GRIDS: 7,
  P0: 8,
  CEILING: 9,
  D: 10,
  DQ: 11,
  RAISES: 12,
  VANISHED: 13,
  TENSOR_INDEX: 14,
  TENSOR_START: 15,
  OUT_ZEROS: 16,
  OUT_VANISHED_RUNS: 17,
  OUT_RAISES: 18,
  WORDS: 19,
} as const;
const SEGMENT_WORDS = 5;
const FLAG = { ROUND: 1, SUM_TEST: 2, MAY_RAISE: 4, SNAP: 8, SCALE: 16 } as const;

export class WasmQuantizePass implements QuantizePass {
  readonly kind = 'wasm';
  private readonly config: Int32Array;
  /** Grids p_0 … ceiling, for the kernel's slow lanes (index p − p_0). */
  private readonly grids: Grid[];
  private readonly flags: number;
  private readonly dAddress: number;
  private weightScratch?: Float64Array;
  /** The grid table and the segment table: the config block points into them, this keeps them alive (their blocks return to the allocator when collected). */
  readonly tables: readonly ArrayBufferView[];

  constructor(
    private readonly kernels: Kernels,
    private readonly context: PassContext,
  ) {
    const { scheduler, segments, reading, report } = context;
    const address = (array: ArrayBufferView, what: string) => {
      const at = kernels.address(array);
      if (at < 0) throw new Error(`wasm pass: the learner's ${what} must live in the kernels' memory`);
      return at;
    };
    const { p0, eta, base } = scheduler.params;
    this.grids = [];
    for (let p = p0; p <= scheduler.ceiling; p++) this.grids.push(makeGrid(eta, base, p));
    const gridTable = kernels.float64(GRID_RECORD * this.grids.length);
    this.grids.forEach((grid, i) => writeGridRecord(gridTable, GRID_RECORD * i, grid));
    const segmentTable = kernels.int32(SEGMENT_WORDS * segments.length);
    segments.forEach((s, i) => segmentTable.set([s.offset, s.size, s.slot, s.firstTensor, s.tensorCount], SEGMENT_WORDS * i));
    this.config = kernels.int32(C.WORDS);
    const c = this.config;
    c[C.RUNS] = context.runs;
    c[C.DIMS] = context.dims;
    c[C.SEGMENTS] = segments.length;
    c[C.SLOTS_PER_RUN] = context.slotsPerRun;
    c[C.TENSORS_PER_RUN] = context.tensorsPerRun;
    c[C.SEGMENT_TABLE] = address(segmentTable, 'segment table');
    c[C.INDICES] = address(scheduler.indices, 'indices');
    c[C.GRIDS] = address(gridTable, 'grid table');
    c[C.P0] = p0;
    c[C.CEILING] = scheduler.ceiling;
    c[C.D] = this.dAddress = address(context.unquantizedStep, 'unquantized step');
    c[C.DQ] = address(context.quantizedStep, 'quantized step');
    c[C.RAISES] = address(report.raises, 'raises');
    c[C.VANISHED] = address(report.vanished, 'vanished flags');
    c[C.TENSOR_INDEX] = address(report.tensorIndex, 'tensor indices');
    c[C.TENSOR_START] = address(report.tensorStartIndex, 'tensor start indices');
    this.tables = [gridTable, segmentTable];
    this.flags = (reading.mode === 'round' ? FLAG.ROUND : 0) | (reading.test === 'sum' ? FLAG.SUM_TEST : 0) | (context.weightsOnGrid ? FLAG.SNAP : 0);
  }

  apply(w: Float64Array, h: Float64Array | null, lambda: number, mayRaise: boolean): void {
    const { kernels, context } = this;
    let flags = this.flags | (mayRaise ? FLAG.MAY_RAISE : 0);
    let hAddress = 0;
    if (h) {
      hAddress = kernels.address(h);
      if (hAddress < 0) {
        context.unquantizedStep.set(h);
        hAddress = this.dAddress;
      }
      flags |= FLAG.SCALE;
    }
    let wAddress = kernels.address(w);
    let outside: Float64Array | null = null;
    if (wAddress < 0) {
      outside = w;
      this.weightScratch ??= kernels.float64(w.length);
      this.weightScratch.set(w);
      wAddress = kernels.address(this.weightScratch);
    }
    setActiveGrids(this.grids);
    kernels.exports.quantizePass(kernels.address(this.config), hAddress, -lambda, wAddress, flags);
    if (outside) outside.set(this.weightScratch as Float64Array);
    const c = this.config;
    const { report, scheduler } = context;
    report.zeroComponents = c[C.OUT_ZEROS];
    report.vanishedRuns = c[C.OUT_VANISHED_RUNS];
    if (c[C.OUT_RAISES] > 0) scheduler.raiseEach(report.raises);
  }
}
