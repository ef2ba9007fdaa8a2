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
 * with wabt's wat2wasm 1.0.32 into the bytes below (1,596 bytes; test/unit/wasm-text.test.ts
 * assembles it again and compares).
 */
import { lineBuffer, roomKernel } from '../lib/tail/line-end.js';
import { sig, type LabelMatcher, type Wanted } from './labels.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABFwRgAX8AYAJ/fwF/YAN/f38Bf2ABfwF/AggBAW0BbQIAAQMKCQABAQECAQIDAQYaBX8BQQALfwFBAAt/AUEAC38BQQALfwFBAAsHGQMEaW5pdAAAA3J1bgAECHJlY2VpdmVkAAgKywsJKQAgACQAIABBwABqJAEgAEGAwABqJAIgAEGAwgBqJAMgAEGAwgFqJAQLawEBfwJAA0AgAEEQaiABSw0BIAD9AAAA/QwKCgoKCgoKCgoKCgoKCgoK/SP9ZCICBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AAEEKRgRAIAAPCyAAQQFqIQAMAAsLIAELlQEDAX8BewF/AkADQCAAQRBqIAFLDQEgAP0AAAAhAyAD/QwKCgoKCgoKCgoKCgoKCgoK/SMgA/0MOjo6Ojo6Ojo6Ojo6Ojo6Ov0j/VD9ZCICBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AACEEIARBCkYgBEE6RnIEQCAADwsgAEEBaiEADAALCyABC5cCAQN/AkADQCAAQRFqIAFLDQEgAP0AAAD9DAoKCgoKCgoKCgoKCgoKCgr9I/1kIQMgAwRAIANBfyAA/QAAAf0MCQkJCQkJCQkJCQkJCQkJCf0j/WRzcSEEIAQEQCAEaCEEIAIgA0ECIAR0QQFrcWlqIQIjACACNgIAIwBBADYCBCAAIARqQQFqDwsgAiADaWohAgsgAEEQaiEADAALCwJAA0AgACABTw0BIAAtAABBCkYEQCACQQFqIQIgAEEBaiABTwRADAMLIAAtAAFBCUcEQCMAIAI2AgAjAEEANgIEIABBAWoPCwsgAEEBaiEADAALCyABQQFrLQAAQQpHBEAgAkEBaiECCyMAIAI2AgAjAEEANgIEIAELvwMCCn8BfCACRQRAIAAgARADDwsCQANAIAAgAU8NASAALQAAQQlHDQEgBEGAAk8NASAAQQFqIQUgBSEIIAIEQCAFIAEQAiEGIAYhCCAGIAFJBEAgBi0AAEE6RgRAIAZBAWohCCAGIQcCQANAIAcgBWtBCEkNASAHQQhrKQAAQqDAgIGChIiQIFINASAHQQhrIQcMAAsLAkADQCAHIAVNDQEgB0EBay0AAEEgRw0BIAdBAWshBwwACwtBACEKIAcgBUsEQCMCIAUtAABqLQAABEAgBSAHEAUhCgsLIAoEQCAIIQsCQANAIAsgAU8NASALLQAAQSBHDQEgC0EBaiELDAALC0EAIQxEAAAAAAAAAAAhDQJAA0AgCyABTw0BIAstAABBMGshCSAJQQlLDQEgDUQAAAAAAAAkQKIgCbigIQ0gDEEBaiEMIAtBAWohCwwACwsgDARAIwEgBEEEdGohCSAJIApBAWs2AgAgCSAMNgIEIAkgDTkDCCAEQQFqIQQLIAshCAsLCwsgCCABEAEhCCADQQFqIQMgCCABTwRAIAEhAAwCCyAIQQFqIQAMAAsLIwAgAzYCACMAIAQ2AgQgAAtjAQN/IAEgAGshBCMDIARBP3FBCHQgAUEBay0AAHJqLQAAIQICQANAIAJFDQEjBCACQQFrQQd0aiEDIAMtAAAgBEYEQCAAIANBBGogBBAGBEAgAg8LCyADLQABIQIMAAsLQQALbAACQANAIAJBCEkNASAAKQAAIAEpAABSBEBBAA8LIABBCGohACABQQhqIQEgAkEIayECDAALCwJAA0AgAkUNASAALQAAIAEtAABHBEBBAA8LIABBAWohACABQQFqIQEgAkEBayECDAALC0EBCx0AIAApAABCoOSVm9asmrvlAFEgAC0ACEHkAEZxC9IBAQR/IAAhAiABQQlrIQMCQAJAA0AgAEEPaiADSg0BIAD9AAAB/QxycnJycnJycnJycnJycnJy/SMgAP0AAAb9DHZ2dnZ2dnZ2dnZ2dnZ2dnb9I/1O/WQhBAJAA0AgBEUNASAAIARoaiEFIAUQBw0EIAQgBEEBa3EhBAwACwsgAEEQaiEADAALCyAAIQUCQANAIAUgA0oNASAFEAcNAiAFQQFqIQUMAAsLIAEPCwJAA0AgBSACTA0BIAVBAWstAABBCkYNASAFQQFrIQUMAAsLIAUL', 'base64'));

/**
 * The room after the line buffer: run()'s two numbers, its hits from 64 (16 bytes each), the
 * tables from 8 KiB: first bytes, signatures (labels.ts sig(): a label's length mod 64 and last
 * byte), then the labels, 128 bytes each.
 */
const HITS = 64;
const FIRSTS = 8192;
const SIGS_AT = 8448;
const SIGS = 1 << 14;
const LABELS_AT = SIGS_AT + SIGS;
const LABEL_BYTES = 128;
const MAX_LABELS = 255;
export const MAX_HITS = 256;
const BLOCK_ROOM = LABELS_AT + MAX_LABELS * LABEL_BYTES;

/** An lbmmon reader's line buffer, with the room for the block kernel after it. */
export const lbmmonLineBuffer = (size: number): Buffer => lineBuffer(size, BLOCK_ROOM);

const inRoom = roomKernel(KERNEL, BLOCK_ROOM);

/** The block kernel bound to one line buffer's memory. */
export class BlockKernel {
  /** run()'s results: [0] the lines it read, [1] its hits */
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
  private readonly mem: Uint8Array;
  private readonly base: number;

  private constructor(exports: WebAssembly.Exports, memory: ArrayBufferLike, base: number) {
    (exports.init as (base: number) => void)(base);
    this.out = new Int32Array(memory, base, 2);
    this.hits = new Int32Array(memory, base + HITS, 4 * MAX_HITS);
    this.values = new Float64Array(memory, base + HITS, 2 * MAX_HITS);
    this.mem = new Uint8Array(memory);
    this.base = base;
    this.run = exports.run as BlockKernel['run'];
    this.received = exports.received as BlockKernel['received'];
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
