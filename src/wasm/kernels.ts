/**
 * Loads the WebAssembly kernels (kernels.wasm, built from ./assembly by `npm run build:wasm`) and
 * owns the memory they work in.
 *
 * One module instance per thread, with one shared WebAssembly memory: a shared memory never
 * detaches its ArrayBuffer when it grows, so Float64Array views handed out earlier (a population's
 * w and g, a learner's steps) stay valid while later allocations grow it. Arrays are carved out by a
 * size-class allocator; a block returns to its free list when the view it was handed out as is
 * garbage collected (keep that view, not only a subarray of it, while the data is in use).
 *
 * QLE_WASM=0 switches the kernels off: every caller then takes its JS path (the definition the
 * kernels are tested against, bit for bit). withKernels() does the same for one call (tests, benchmarks).
 */
import { readFileSync } from 'node:fs';
import { quantize, type Grid, type QuantMode } from '../core/quantizer.ts';

/** The exports of kernels.wasm (pointers are byte offsets into the memory). */
export interface KernelExports {
  heapBase(): number;
  quantizeRange(src: number, dst: number, n: number, grid: number, gridId: number, mode: number): number;
  scanRange(h: number, hq: number, w: number, before: number, n: number, grid: number, mode: number, flags: number, scratch: number, out: number): void;
  quantizePass(config: number, h: number, negLambda: number, w: number, flags: number): void;
  rastrigin(w: number, g: number, n: number): void;
  styblinskiTang(w: number, g: number, n: number): void;
  doubleWell(w: number, g: number, n: number, tilt: number): void;
  sixHumpCamel(w: number, g: number, runs: number): void;
  ackley(w: number, g: number, runs: number, dims: number): void;
  griewank(w: number, g: number, runs: number, dims: number, scratch: number): void;
  guard(w: number, g: number, diverged: number, runs: number, dims: number, low: number, high: number, limit: number, anyDiverged: number): number;
  elementaryRange(which: number, src: number, dst: number, n: number): void;
}

/**
 * The part of the WebAssembly JS API used here, typed locally: Node has it as a global, but the
 * project compiles without the DOM library (where TypeScript declares it) and @types/node 20 omits it.
 */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}
interface WasmModule {
  readonly kind?: 'module';
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Mode codes of the kernels. */
export const MODE_CODE: Readonly<Record<QuantMode, number>> = { floor: 0, round: 1 };

const WASM_FILE = new URL('./kernels.wasm', import.meta.url);
const PAGE = 65536;
const MAX_PAGES = 65536;
/** Blocks are powers of two of at least 2^6 bytes, aligned to 64 bytes. */
const MIN_CLASS = 6;

/** The grids a kernel's slow lanes refer to by index; set by the caller right before each kernel call. */
let activeGrids: readonly Grid[] = [];

export function setActiveGrids(grids: readonly Grid[]): void {
  activeGrids = grids;
}

type Typed = Float64Array | Int32Array | Uint8Array;

export class Kernels {
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  private top: number;
  private allocations = 0;
  private readonly freeLists = new Map<number, number[]>();
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([offset, sizeClass]) => this.release(offset, sizeClass));

  constructor(module: WasmModule) {
    this.memory = new wasmApi.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const env = {
      memory: this.memory,
      // A lane the float decision cannot settle: the exact JS quantizer (it throws the range errors).
      slowQuantize: (x: number, gridId: number, mode: number) => quantize(x, activeGrids[gridId], mode === 1 ? 'round' : 'floor'),
    };
    const instance = new wasmApi.Instance(module, { env });
    this.exports = instance.exports as unknown as KernelExports;
    this.top = align(this.exports.heapBase(), 64);
    this.buffers.add(this.memory.buffer);
  }

  float64(n: number): Float64Array {
    return this.allocate(n, 8, (buffer, offset) => new Float64Array(buffer, offset, n));
  }

  int32(n: number): Int32Array {
    return this.allocate(n, 4, (buffer, offset) => new Int32Array(buffer, offset, n));
  }

  uint8(n: number): Uint8Array {
    return this.allocate(n, 1, (buffer, offset) => new Uint8Array(buffer, offset, n));
  }

  /** The byte offset of `array` in the kernels' memory, or −1 when it lives elsewhere. */
  address(array: ArrayBufferView): number {
    return this.buffers.has(array.buffer) ? array.byteOffset : -1;
  }

  private allocate<T extends Typed>(n: number, bytesPer: number, view: (buffer: ArrayBufferLike, offset: number) => T): T {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot allocate ${n} elements`);
    const sizeClass = Math.max(MIN_CLASS, Math.ceil(Math.log2(Math.max(1, n * bytesPer))));
    const recycled = this.freeLists.get(sizeClass)?.pop();
    let offset: number;
    if (recycled !== undefined) {
      offset = recycled;
    } else {
      // Blocks of a size class are a power of two apart, so equal-sized arrays would all start at the
      // same offset modulo 4096 and every store of a kernel would seem to alias the next load (4K
      // aliasing halved the pass's speed): a varying pad staggers them.
      offset = align(this.top, 64);
      this.top = offset + 2 ** sizeClass + 64 * (1 + ((this.allocations++ * 23) % 64));
      this.reserve(this.top);
    }
    const array = view(this.memory.buffer, offset);
    if (recycled !== undefined) array.fill(0);
    this.registry.register(array, [offset, sizeClass]);
    return array;
  }

  private release(offset: number, sizeClass: number): void {
    const list = this.freeLists.get(sizeClass);
    if (list) list.push(offset);
    else this.freeLists.set(sizeClass, [offset]);
  }

  /** Grow the memory to at least `bytes` (by half its size at least, to keep growth rare). */
  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.min(MAX_PAGES, Math.max(Math.ceil(bytes / PAGE), Math.ceil((have * 1.5) / PAGE)));
    if (bytes > MAX_PAGES * PAGE) throw new RangeError(`the wasm kernels' memory cannot hold ${bytes} bytes (limit ${MAX_PAGES * PAGE})`);
    this.memory.grow(pages - have / PAGE);
    this.buffers.add(this.memory.buffer);
  }
}

function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** A QLE_WASM value that is neither 0 nor 1 (the CLI reports it in one line, exit 2). */
export class KernelSettingError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'KernelSettingError';
  }
}

let fromEnvironment: boolean | undefined;

/** QLE_WASM: unset, '' or '1' use the kernels; '0' the JS paths. Read once. */
export function enabledByEnvironment(): boolean {
  if (fromEnvironment === undefined) {
    const raw = process.env.QLE_WASM;
    if (raw === undefined || raw === '' || raw === '1') fromEnvironment = true;
    else if (raw === '0') fromEnvironment = false;
    else throw new KernelSettingError(`QLE_WASM must be 0 (JS paths) or 1 (wasm kernels, the default), got ${JSON.stringify(raw)}`);
  }
  return fromEnvironment;
}

let instance: Kernels | undefined;
let override: boolean | undefined;

/** The kernels of this thread, or null when switched off (QLE_WASM=0, or withKernels(false, …)). */
export function kernels(): Kernels | null {
  if (!(override ?? enabledByEnvironment())) return null;
  if (!instance) instance = new Kernels(new wasmApi.Module(readFileSync(WASM_FILE)));
  return instance;
}

/** Run f with the kernels switched on or off (objects created inside keep their choice). */
export function withKernels<T>(enabled: boolean, f: () => T): T {
  const previous = override;
  override = enabled;
  try {
    return f();
  } finally {
    override = previous;
  }
}

/** A zeroed Float64Array that the kernels can work on in place when they are on. */
export function allocateFloat64(n: number): Float64Array {
  return kernels()?.float64(n) ?? new Float64Array(n);
}
