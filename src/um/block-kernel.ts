/**
 * The lbmmon text reader's block kernel, in WebAssembly: a block's run of TAB lines read in one
 * call (each line's end and, for a block the check reads, its label's place, 16 bytes a step),
 * and the daemon text after a block passed over to the next line that may be a header. A Java
 * lbmmon capture is mostly such lines (its Store, DRO and SRS blocks' protobuf text, 20% of its
 * bytes; event-queue and context blocks' fields the NAK check does not read), and a line at a time
 * in JavaScript, each line's end found a word a step, they were most of its scan (issue 44).
 *
 * Only the lines with a wanted label (found as labels.ts finds it: a table by the label's length
 * and last byte, then its bytes) and digits after it come back to JavaScript, as hits: the
 * label's index and the value, read as parse.ts value() reads it; parse.ts stores it. Without
 * the kernel (a buffer not made here, or no WebAssembly, or labels the table cannot hold),
 * parse.ts reads each line itself, the same way.
 *
 * Its WebAssembly text is block-kernel.wat, beside this file (memory imported as m.m), assembled
 * with wabt's wat2wasm 1.0.32 into the bytes below (2,240 bytes; test/unit/wasm-text.test.ts
 * assembles it again and compares).
 */
import { lineBuffer, roomKernel } from '../lib/tail/line-end.js';
import { sig, SIGS, type LabelMatcher, type Wanted } from './labels.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABGwVgAn9/AGACf38Bf2ADf39/AX9gAX8Bf2AAAAIIAQFtAW0CAAEDDw4AAQEBAgECAwEBAQEDBAZCDX8BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALBzMGBGluaXQAAANydW4ABAhyZWNlaXZlZAAIBmhlYWRlcgAJBmluc2VydAAMBWNsZWFyAA0KhBAOQwAgACQAIABBwABqJAEgAEGAwABqJAIgAEGAwgBqJAMgAEGAwgFqJAQgAEGAgARqJAUgAEGAgAhqJAYjBiQHIAEkCAtrAQF/AkADQCAAQRBqIAFLDQEgAP0AAAD9DAoKCgoKCgoKCgoKCgoKCgr9I/1kIgIEQCAAIAJoag8LIABBEGohAAwACwsCQANAIAAgAU8NASAALQAAQQpGBEAgAA8LIABBAWohAAwACwsgAQuVAQMBfwF7AX8CQANAIABBEGogAUsNASAA/QAAACEDIAP9DAoKCgoKCgoKCgoKCgoKCgr9IyAD/Qw6Ojo6Ojo6Ojo6Ojo6Ojo6/SP9UP1kIgIEQCAAIAJoag8LIABBEGohAAwACwsCQANAIAAgAU8NASAALQAAIQQgBEEKRiAEQTpGcgRAIAAPCyAAQQFqIQAMAAsLIAELlwIBA38CQANAIABBEWogAUsNASAA/QAAAP0MCgoKCgoKCgoKCgoKCgoKCv0j/WQhAyADBEAgA0F/IAD9AAAB/QwJCQkJCQkJCQkJCQkJCQkJ/SP9ZHNxIQQgBARAIARoIQQgAiADQQIgBHRBAWtxaWohAiMAIAI2AgAjAEEANgIEIAAgBGpBAWoPCyACIANpaiECCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AAEEKRgRAIAJBAWohAiAAQQFqIAFPBEAMAwsgAC0AAUEJRwRAIwAgAjYCACMAQQA2AgQgAEEBag8LCyAAQQFqIQAMAAsLIAFBAWstAABBCkcEQCACQQFqIQILIwAgAjYCACMAQQA2AgQgAQu2AwIKfwF8IAJFBEAgACABEAMPCwJAA0AgACABTw0BIAAtAABBCUcNASAEQYACTw0BIABBAWohBSAFIAEQAiEGIAYhCCAGIAFJBEAgBi0AAEE6RgRAIAZBAWohCCAGIQcCQANAIAcgBWtBCEkNASAHQQhrKQAAQqDAgIGChIiQIFINASAHQQhrIQcMAAsLAkADQCAHIAVNDQEgB0EBay0AAEEgRw0BIAdBAWshBwwACwtBACEKIAcgBUsEQCMCIAUtAABqLQAABEAgBSAHEAUhCgsLIAoEQCAIIQsCQANAIAsgAU8NASALLQAAQSBHDQEgC0EBaiELDAALC0EAIQxEAAAAAAAAAAAhDQJAA0AgCyABTw0BIAstAABBMGshCSAJQQlLDQEgDUQAAAAAAAAkQKIgCbigIQ0gDEEBaiEMIAtBAWohCwwACwsgDARAIwEgBEEEdGohCSAJIApBAWs2AgAgCSAMNgIEIAkgDTkDCCAEQQFqIQQLIAshCAsLCyAIIAEQASEIIANBAWohAyAIIAFPBEAgASEADAILIAhBAWohAAwACwsjACADNgIAIwAgBDYCBCAAC2MBA38gASAAayEEIwMgBEE/cUEIdCABQQFrLQAAcmotAAAhAgJAA0AgAkUNASMEIAJBAWtBB3RqIQMgAy0AACAERgRAIAAgA0EEaiAEEAYEQCACDwsLIAMtAAEhAgwACwtBAAtsAAJAA0AgAkEISQ0BIAApAAAgASkAAFIEQEEADwsgAEEIaiEAIAFBCGohASACQQhrIQIMAAsLAkADQCACRQ0BIAAtAAAgAS0AAEcEQEEADwsgAEEBaiEAIAFBAWohASACQQFrIQIMAAsLQQELHQAgACkAAEKg5JWb1qyau+UAUSAALQAIQeQARnEL0gEBBH8gACECIAFBCWshAwJAAkADQCAAQQ9qIANKDQEgAP0AAAH9DHJycnJycnJycnJycnJycnL9IyAA/QAABv0MdnZ2dnZ2dnZ2dnZ2dnZ2dv0j/U79ZCEEAkADQCAERQ0BIAAgBGhqIQUgBRAHDQQgBCAEQQFrcSEEDAALCyAAQRBqIQAMAAsLIAAhBQJAA0AgBSADSg0BIAUQBw0CIAVBAWohBQwACwsgAQ8LAkADQCAFIAJMDQEgBUEBay0AAEEKRg0BIAVBAWshBQwACwsgBQtkAQJ/IAFBB2shAiACQcAAayEDIAMgAEwEQCAAQQFqIQMLAkADQCACIANIBEBBfw8LIAIoAABBrMDMqwZGIAIoAANB5dzRgwJGcQ0BIAJBAWshAgwACwsjACAAIAIQCzYCCCACC5UBAgF+AX9CpcaIocicp/lLIAGthSECIAAgAWohAwJAA0AgAEEIaiADSw0BIAIgACkAAIVCs4OAgIAgfkIbiSECIABBCGohAAwACwsCQANAIAAgA08NASACIAAxAACFQrODgICAIH5CG4khAiAAQQFqIQAMAAsLIAIgAkIgiIVClfip+pe33puef34hAiACIAJCHYiFpwuBAQEDfyABIABrIQIgAkGACEsEQEF9DwsgACACEAokCiAAJAsgAiQMIwpB//8AcSEDA0AjBSADQQJ0aigCACEEIARFBEBBfw8LIAQoAgAgAkYgBCgCBCMKRnEEQCAAIARBEGogAhAGBEAgBCgCCA8LCyADQQFqQf//AHEhAwwAC0F/C5EBAQJ/QRAjDEEHakF4cWohASMJQYDAAE8jByABaiMIS3IEQEEADwsjByMMNgIAIwcjCjYCBCMHIAA2AggjB0EQaiMLIwz8CgAAIwpB//8AcSECAkADQCMFIAJBAnRqKAIARQ0BIAJBAWpB//8AcSECDAALCyMFIAJBAnRqIwc2AgAjByABaiQHIwlBAWokCUEBCxUAIwVBAEGAgAT8CwAjBiQHQQAkCQs=', 'base64'));

/**
 * The room after the line buffer: run()'s and header()'s numbers, run()'s hits from 64 (16 bytes
 * each), the label tables from 8 KiB: first bytes, signatures (labels.ts sig(): a label's length
 * mod 64 and last byte), then the labels, 128 bytes each; from 64 KiB the header table's 16,384
 * slots, from 128 KiB its records (keys of at most 1 KiB; pages never written are never in memory).
 */
const HITS = 64;
const FIRSTS = 8192;
const SIGS_AT = 8448;
const LABELS_AT = SIGS_AT + SIGS;
const LABEL_BYTES = 128;
const MAX_LABELS = 255;
export const MAX_HITS = 256;
/** header()'s out[2]: the key is not in the table (remember() adds it), or is too long to be kept there */
export const HEADER_MISSED = -1;
export const HEADER_LONG = -3;
const HEADER_RECORDS = 131_072;
const BLOCK_ROOM = HEADER_RECORDS + (4 << 20);

/** An lbmmon reader's line buffer, with the room for the block kernel after it. */
export const lbmmonLineBuffer = (size: number): Buffer => lineBuffer(size, BLOCK_ROOM);

const inRoom = roomKernel(KERNEL, BLOCK_ROOM);

/** The block kernel bound to one line buffer's memory. */
export class BlockKernel {
  /** run()'s results: [0] the lines it read, [1] its hits; header()'s: [2] */
  readonly out: Int32Array;
  /** run()'s hits, 16 bytes each: the label's index in `wanted`, the value's digits (32 bits each) */
  readonly hits: Int32Array;
  /** ... and the value, as a float64 (a hit's second 8 bytes) */
  readonly values: Float64Array;
  /** the labels by their index in the table, once labels() has made it */
  wanted: Wanted[] = [];
  /**
   * The lines from p that begin with a TAB, to the first that does not (where it starts is
   * returned, or end); with `want`, the lines with a wanted label and digits after its colon are
   * hits, and at MAX_HITS it stops at the start of a TAB line. A line without a LF ends the run
   * at `end`.
   */
  readonly run: (p: number, end: number, want: number) => number;
  /** The start, not before p, of the first line with ` received` in [p, end), or end. */
  readonly received: (p: number, end: number) => number;
  /**
   * The header table (header.ts headerAt()): where the line [s, e) has the `, sent ` that ends a
   * header (its last, with at most 64 bytes after it, not at s), or -1; out[2] is then the index
   * stored with the bytes before it, or HEADER_MISSED (insert() adds them), or HEADER_LONG.
   */
  readonly header: (s: number, e: number) => number;
  private readonly insert: (index: number) => number;
  private readonly clear: () => void;
  /** what the header table's indexes stand for (header.ts keeps its parsed headers here) */
  heads: unknown[] = [];
  private readonly mem: Uint8Array;
  private readonly base: number;

  private constructor(exports: WebAssembly.Exports, memory: ArrayBufferLike, base: number) {
    (exports.init as (base: number, end: number) => void)(base, base + BLOCK_ROOM);
    this.out = new Int32Array(memory, base, 3);
    this.hits = new Int32Array(memory, base + HITS, 4 * MAX_HITS);
    this.values = new Float64Array(memory, base + HITS, 2 * MAX_HITS);
    this.mem = new Uint8Array(memory);
    this.base = base;
    this.run = exports.run as BlockKernel['run'];
    this.received = exports.received as BlockKernel['received'];
    this.header = exports.header as BlockKernel['header'];
    this.insert = exports.insert as (index: number) => number;
    this.clear = exports.clear as () => void;
  }

  /**
   * `value` for the key header() did not find last: kept with it (when the table is full, every
   * key is forgotten first, as lib/range-keys.ts does).
   */
  remember(value: unknown): void {
    if (this.insert(this.heads.length) === 0) {
      this.clear();
      this.heads = [];
      this.insert(0);
    }
    this.heads.push(value);
  }

  /**
   * The wanted labels' tables, from a parser's LabelMatcher; false when they do not fit (more
   * than 255 labels, or one of more than 124 bytes): run() is then for blocks not read only.
   */
  labels(m: LabelMatcher): boolean {
    if (m.all.length > MAX_LABELS || m.all.some((w) => w.bytes.length > LABEL_BYTES - 4)) return false;
    const mem = this.mem;
    mem.set(m.firsts, this.base + FIRSTS);
    const heads = this.base + SIGS_AT;
    mem.fill(0, heads, heads + SIGS);
    m.all.forEach((w, i) => {
      const rec = this.base + LABELS_AT + i * LABEL_BYTES;
      const k = heads + sig(w.bytes, 0, w.bytes.length);
      mem[rec] = w.bytes.length;
      mem[rec + 1] = mem[k]; // the chain of labels with this signature: this one first
      mem.set(w.bytes, rec + 4);
      mem[k] = i + 1;
    });
    this.wanted = m.all;
    return true;
  }

  /** The kernel in `buf`'s room, if `buf` is an lbmmonLineBuffer and its room is free. */
  static in(buf: Buffer): BlockKernel | undefined {
    const r = inRoom(buf);
    return r === undefined ? undefined : new BlockKernel(r.exports, r.memory, r.at);
  }
}
