/**
 * A command-call line read in WebAssembly: its stamp, level, names and category, PID and thread,
 * and the message's wording, as fastLine (bytes.ts, head.ts) reads them in JavaScript, which
 * stays the reference (test/unit/broker-scan.test.ts reads every log each way against the general
 * parser). On a log where a broker in trouble writes events on most lines, that JavaScript, a
 * byte at a time, was half of the scan (bench/NOTES.md). What a line means for its group (the
 * group's lookup, the counts) is done in JavaScript (scan.ts).
 *
 * It reads the reader's line buffer in place and writes what it found to the room kept after it
 * (lib/tail/line-end.ts lineBuffer, roomKernel), as 32-bit numbers from `base` (their places are in
 * the comments of `line` in line-kernel.wat and in OUT below); the texts it matches are put after them, at
 * `base` + 256, when it is instantiated. It also finds the line's group: a table of the keys seen
 * (broker, module, command, as bytes) gives the index scan.ts gave the group, so that a line
 * of a known group costs JavaScript no hashing and no comparison (in JavaScript, cold, those were
 * most of the cost of a quiet log's ~1,000 events).
 *
 * The kernel's WebAssembly text is line-kernel.wat, beside this file (memory imported as m.m,
 * where its texts go as m.texts), assembled with wabt's wat2wasm 1.0.32 into the bytes below
 * (4,606 bytes; test/unit/wasm-text.test.ts assembles it again and compares).
 */
import { lineBuffer, roomKernel } from '../../lib/tail/line-end.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABMghgA39/fwBgAX8Bf2ACf38Bf2ADf39/AX9gBH9/f38Bf2AGf39/f39/AX9gAAF/YAAAAhMCAW0BbQIAAQFtBXRleHRzA38AAx4dAAEBAgMCAQICAQEEBAQFBAICAgYDAgcHAQYBBwIGJAd/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEACwcgBARpbml0AAAGaW5zZXJ0ABoFY2xlYXIAGwRsaW5lABwK4x8dGwAgACQBIAEkAiABQYCABGokAyMDJAQgAiQFCw0AIABBIEYgAEEJRnILCgAgAEEwa0EKSQskAAJAA0AgACABTg0BIAAtAAAQAUUNASAAQQFqIQAMAAsLIAALnAEDAX8BewF/AkADQCABQRBqIAJKDQEgAf0ABAAhBCAEIAD9D/0jIAT9DAoKCgoKCgoKCgoKCgoKCgr9I/1Q/WQhBSAFBEAgASAFaGohASABLQAAIABGBEAgAQ8LQX8PCyABQRBqIQEMAAsLAkADQCABIAJODQEgAS0AACEDIAMgAEYEQCABDwsgA0EKRg0BIAFBAWohAQwACwtBfwvqAQMBfwF7AX8CQANAIABBEGogAUoNASAA/QAEACEDIAP9DF1dXV1dXV1dXV1dXV1dXV39IyAD/Qx+fn5+fn5+fn5+fn5+fn5+/Sj9UCAD/QwgICAgICAgICAgICAgICAg/SYgA/0MCQkJCQkJCQkJCQkJCQkJCf0j/U/9UP1kIQQgBARAIAAgBGhqIQAgAC0AAEHdAEYEQCAADwtBfw8LIABBEGohAAwACwsCQANAIAAgAU4NASAALQAAIQIgAkHdAEYEQCAADwsgAkH+AEsNASACQSBJIAJBCUdxDQEgAEEBaiEADAALC0F/C9kBAQJ7IAD9AAQAIQEgAP0ABAUhAiAB/QwwMDAwMDAwMDAwMDAwMDAw/XH9DAoKCgoKCgoKCgoKCgoKCgr9Jv0MAP////8A//8A//8A//8A//1OIAH9DFswMDAwLTAwLTAwIDAwOjD9I/1Q/WMgAv0MMDAwMDAwMDAwMDAwMDAwMP1x/QwKCgoKCgoKCgoKCgoKCgoK/Sb9DAAAAAAAAAAAAAAA/wD//wD9TiAC/QwwMDAwMDAwMDAwMDA6MDBd/SP9UP0M//////////////8AAAAAAP1Q/WNxC7ABACABIABrQQxGBEAgACkDAELDnrXqlMiToiBRIAAoAghBw4Kx4gRGcQRAQQEPCyAAKQMAQqDAgIGChIgQhELj3rXrlsybsiBRIAAoAghBoMCAgQJyQePCseMGRnEEQEECDwsLIAEgAGtBEEYEQCAAKQMAQqDAgIGChICQIIRC49iVi+aNyLDmAFEgACkDCEKgwICBgISIkCCEQvTKyYPi7Ju56wBRcQRAQQIPCwtBAAvnBQEMfyMBIQIgASAAa0EVSARAQX8PCyAAEAZFBEBBfw8LIABBFWogARADIQMgAyEEAkADQCADIAFODQEgAy0AAEEgckHhAGtBGUsNASADQQFqIQMMAAsLIAMgBEYEQEF/DwsgBC0AAEEgciEFIAIgBUHkAEYgBUHpAEZyNgIEIAMgARADIQMgAyABTgRAQX8PCyADLQAAQTpHBEBBfw8LIANBAWogARADIQMCQANAIAcgCEEETnINASADIAFOBEBBfw8LIAMtAAAhBSAFQdsARwRAIAVBCkYgBUEha0HeAElyBEAgAiADNgIIQX4PC0F/DwsgA0EBaiABEAUhCSAJQQBIBEBBfw8LIANBAWogCRADIQogCSELAkADQCALIApMDQEgC0EBay0AABABRQ0BIAtBAWshCwwACwsgCiALEAchDSANQQJGBEBBfw8LIA1BAUYEQEEBIQcFIAIgBkECdGogCjYCICACIAZBAnRqIAs2AiQgBkECaiEGCyAJQQFqIAEQAyEDIAhBAWohCAwACwsgB0UgBkVyBEAgAiADNgIIQX4PCyACIAY2AgAgAyABTgRAQX8PCyADLQAAQdsARwRAQX8PC0HdACADQQFqIAEQBCEJIAlBAEgEQEF/DwsgA0EBaiAJEAMhDCAMLQAAQSByQfAARwRAQX8PCyAMLQABQSByQekARwRAQX8PCyAMLQACQSByQeQARwRAQX8PCyAMQQNqIAkQAyEMIAwtAABBOkcEQEF/DwsgDEEBaiAJEAMhDCAMLQAAEAJFBEBBfw8LIAIgDDYCDAJAA0AgDCAJTg0BIAwtAAAQAkUNASAMQQFqIQwMAAsLIAIgDDYCECAMIAkQAyAJRwRAQX8PCyAJQQFqIAEQAyEDIAMgAU4EQEF/DwsgAy0AAEHbAEcEQEF/DwtB3QAgA0EBaiABEAQhCSAJQQBIBEBBfw8LIAIgA0EBajYCFCACIAk2AhggCUEBaiABEAMLFgAgAEHBAGtBGkkEfyAAQSByBSAACwsaACAAEAIgAEEgckHhAGtBGklyIABB3wBGcgtBAQF/IAAgA2ogAUoEQEEADwsCQANAIAQgA04NASAAIARqLQAAIAIgBGotAABHBEBBAA8LIARBAWohBAwACwtBAQtDAQF/IAAgA2ogAUoEQEEADwsCQANAIAQgA04NASAAIARqLQAAEAkgAiAEai0AAEcEQEEADwsgBEEBaiEEDAALC0EBCzoBAX8gACADaiEEIAQgAUoEQEEADwsgACABIAIgAxAMRQRAQQAPCyAEIAFIBEAgBC0AABAKRQ8LQQELVAEBf0EgIAAgARAEIQYCQANAIAZBAEgNASAGIAEgAiADEA0EQCAGDwsgBUEASgRAIAYgASAEIAUQDQRAIAYPCwtBICAGQQFqIAEQBCEGDAALC0F/C0wBAX8gAi0AACAAIAEQBCEEAkADQCAEQQBIDQEgBCADaiABSg0BIAQgASACIAMQDARAIAQPCyACLQAAIARBAWogARAEIQQMAAsLQX8LQAEBfwJAA0AgACABTg0BIAAtAAAhAiACQf4ASwRAQQAPCyACQSBJIAJBCUdxBEBBAA8LIABBAWohAAwACwtBAQsnAAJAA0AgASAATA0BIAFBAWstAAAQAUUNASABQQFrIQEMAAsLIAELMQECfyAAIAEQAyECIAIgARARIQMgAiADEBBFBEBBAA8LIwEgAjYCSCMBIAM2AkxBAQs7AQJ/IwEoAhghASMBKAIUIAEQAyEAIAAgARARIQEgACABEBBFBEBBAA8LIwEgADYCUCMBIAE2AlRBAQtLAQJ/IwEhBEEKIAEgAhAEIQMgA0EASARAIAIhAwsgBCADQQFrIAMgAyAEKAJYSiADQQFrLQAAQQ1GcRs2AlwgBCADQQFqNgJgIAALtAcBDX8jASECIAAgARAIIQMgA0EASARAIAMPCyADIAEjAEEAakETEAsEQCACKAIERQRAQX8PCyACIANBE2o2AghBfQ8LIAMgASMAQRNqQRIQCwRAQQEhBCADQRJqIQUFIAMgASMAQSVqQR0QCwRAQQIhBCADQR1qIQUFIAMgASMAQcIAakEaEAsEQEEDIQQgA0EaaiEFBSADIAEjAEHcAGpBJBALBEBBBCEEIANBJGohBQVBfw8LCwsLIAUgARAFIQYgBkEASARAQX8PCyAFIAYQAyEHIAcgBhARIQggByAIRgRAQX8PCyACIAc2AkAgAiAINgJEIAJBADYCSCACQQA2AkwgAiADNgJYIARBAkYEQCAGIAEjAEGdAWpBDRAMRQRAQX8PCyAGQQ1qIQkgCUEBaiABIwBBoQJqQRNBAEEAEA4hCiAKQQBOBEAgCSAKEBIEQEEAIAogARAUDwtBfw8LIAlBAWogASMAQbQCakERQQBBABAOIQogCkEASARAQX8PCyAJIAoQEkUEQEF/DwsQE0UEQEF/DwtBASAKIAEQFA8LIARBBEYEQCAGIAEjAEHFAmpBDBANRQRAQX8PCxATRQRAQX8PC0ECIAYgARAUDwsgBEEDRgRAIAYgASMAQdQBakEMEAxFBEBBfw8LQQMgBiABEBQPCyAGIAEjAEGdAWpBDRAMBEAgBkENaiEJIAlBAWogASMAQeABakEgIwBBgAJqQSEQDiEKIApBAEgEQEF/DwsgCSAKEBJFBEBBfw8LQQQgCiABEBQPCyAGIAEjAEGqAWpBKhAMBEAgBkEBaiABIwBBnQFqQQ0QD0EATgRAQX8PC0EFIAYgARAUDwsgBiABIwBBgAFqQR0QDEUEQEF/DwsgBkEdaiEJQd0AIAkgARAEQQBOBEAgBUEBaiABIwBBnQFqQQ0QD0EATgRAQX8PCyAFQQFqIAEjAEGqAWpBKhAPQQBOBEBBfw8LCyAJQQFqIAEjAEHRAmpBBBAPIQoCQANAIApBAEgNAQJAIApBBGohCyALIQwCQANAIAsgAU4NASALLQAAIQ4gDhACIA5BLkZyRQ0BIAtBAWohCwwACwsgCyAMRg0AIAshDSALIAEQAyELIAsgAU4NACALLQAAEAlB8wBHDQAgC0EBaiABSARAIAtBAWotAAAQCg0BCyAJIAoQEkUEQEF/DwsgAiAMNgJkIAIgDTYCaCACIAtBAWo2AmBBBg8LIApBAWogASMAQdECakEEEA8hCgwACwtBfwuTAQECfyMBIQAgACgCACEBIAFBBE4EQCAAIAAoAiA2AnAgACAAKAIkNgJ0BSAAQQA2AnAgAEEANgJ0CyAAKAJMIAAoAkhKBEAgACAAKAJINgJ4IAAgACgCTDYCfAUgACAAIAFBAnRqKAIYNgJ4IAAgACABQQJ0aigCHDYCfAsgACAAKAJANgKAASAAIAAoAkQ2AoQBC5EBAQV/IwEhAEHFu/KIeCEEQQwkBwJAA0AgAUEDTw0BIAAgAUEDdGooAnAhAiAAIAFBA3RqKAJ0IQMjByADIAJraiQHAkADQCACIANODQEgBCACLQAAc0GTg4AIbCEEIAJBAWohAgwACwsgBCADIAAgAUEDdGooAnBrc0GTg4AIbCEEIAFBAWohAQwACwsgBCQGC4cBAQV/IwEhASAAQRBqIQUCQANAIAJBA08NASABIAJBA3RqKAJwIQMgASACQQN0aigCdCEEIAUoAgAgBCADa0cEQEEADwsgBUEEaiEFAkADQCADIARODQEgAy0AACAFLQAARwRAQQAPCyADQQFqIQMgBUEBaiEFDAALCyACQQFqIQIMAAsLQQELZgECfxAWEBcjB0GACEsEQEF9DwsjBkH//wBxIQADQCMCIABBAnRqKAIAIQEgAUUEQEF/DwsgASgCBCMGRiABKAIAIwdGcQRAIAEQGARAIAEoAggPCwsgAEEBakH//wBxIQAMAAsAC9ABAQZ/IwQhASABIwdBGGpqIwVLBEBBAA8LIAEjBzYCACABIwY2AgQgASAANgIIIAFBEGohAgJAA0AgA0EDTw0BIwEgA0EDdGooAnAhBCMBIANBA3RqKAJ0IQUgAiAFIARrNgIAIAJBBGogBCAFIARr/AoAACACQQQgBSAEa2pqIQIgA0EBaiEDDAALCyACQQdqQXhxJAQjBkH//wBxIQYCQANAIwIgBkECdGooAgBFDQEgBkEBakH//wBxIQYMAAsLIwIgBkECdGogATYCAEEBCxEAIwJBAEGAgAT8CwAjAyQECx0BAX8gACABEBUhAiACQQBOBEAjARAZNgJsCyACCwvcAgEAIwAL1QJFeGVjdXRpbmcgY29tbWFuZCBbVGhlIGNvbW1hbmQgY2FsbCBbRmFpbGVkIHRvIHNlbmQgY29tbWFuZCBjYWxsIFtSZWNlaXZlZCB1bmtub3duIGNvbW1hbmQgW0ZhaWxlZCB0byBleGVjdXRlIHJlY2VpdmVkIGNvbW1hbmQgW10gd2FzIGV4ZWN1dGVkIGJ5IHRoZSBtb2R1bGUgXSBmb3IgbW9kdWxlIF0gd2FzIHNlbnQgYnV0IGFub3RoZXIgYW5zd2VyIHdhcyByZWNlaXZlZF0gdG8gZXhlY3V0ZSB3YXMgc2VudCBidXQgdGhlIGNhbGwgdGltZWQgb3V0IHdhcyBzZW50LCBidXQgdGhlIGNhbGwgdGltZWQgb3V0IGJlY2F1c2Ugb2YgdGltZW91dCBiZWNhdXNlIG9mIGVycm9yXSB3aXRoIGVycm9yIGluIA==', 'base64'));

/**
 * The room the kernel takes after a line buffer: 64 numbers, its texts (341 bytes), then from
 * 1 KiB the group table's 16,384 slots and its records (keys of at most 1 KiB; the pages never
 * written are never in memory).
 */
const TEXTS = 256;
const SLOTS = 1024;
const LINE_ROOM = SLOTS + 65536 + (4 << 20);

/** A broker reader's line buffer, with the room for the line kernel after it. */
export const brokerLineBuffer = (size: number): Buffer => lineBuffer(size, LINE_ROOM);

const inRoom = roomKernel(KERNEL, LINE_ROOM, (at) => ({ texts: at + TEXTS }));

/** What `line` found, by its place in LineKernel.out (a 32-bit number each). */
export const OUT = {
  nr: 0, quiet: 1, stop: 2, pid0: 3, pid1: 4, command0: 16, command1: 17, module0: 18, module1: 19,
  thread0: 20, thread1: 21, text0: 22, text1: 23, next: 24, digits0: 25, digits1: 26, key: 27,
} as const;

/** out[OUT.key]: the group's key is not in the table (insert it), or is too long to be kept there */
export const KEY_MISSED = -1;
export const KEY_LONG = -3;

/** `line`'s results: the general parser's line, nothing (no category; chatter), an execution time */
export const LINE_PARSER = -1;
export const LINE_TIME = 6;

/** The line kernel bound to one line buffer's memory. */
export class LineKernel {
  /** what `line` found (OUT) */
  readonly out: Int32Array;
  /** the names' ranges, out[OUT.nr] numbers */
  readonly ranges: Int32Array;
  /**
   * The line buf[ls, le): LINE_PARSER, -2 or -3 (nothing: read on from out[OUT.stop]), an event
   * (0 timeouts failed, 1 send errors, 2 execution errors, 3 unknown commands, 4 timeouts
   * retried, 5 other answers) or LINE_TIME.
   */
  readonly line: (ls: number, le: number) => number;
  /**
   * The group table: the key of the line read last (KEY_MISSED by its lookup) added as group
   * `index`, false when the table has no room left (clear it, then add again); clear() forgets
   * every key. An event's or execution time's group is looked up as the line is read: its index
   * at out[OUT.key], or KEY_MISSED, or KEY_LONG.
   */
  readonly insert: (index: number) => number;
  readonly clear: () => void;

  private constructor(exports: WebAssembly.Exports, memory: ArrayBufferLike, base: number) {
    this.out = new Int32Array(memory, base, 64);
    this.ranges = new Int32Array(memory, base + 32, 8);
    this.line = exports.line as LineKernel['line'];
    this.insert = exports.insert as LineKernel['insert'];
    this.clear = exports.clear as LineKernel['clear'];
  }

  /** The kernel in `buf`'s room, if `buf` is a brokerLineBuffer and its room is free. */
  static in(buf: Buffer): LineKernel | undefined {
    const r = inRoom(buf);
    if (r === undefined) return undefined;
    (r.exports.init as (base: number, slots: number, end: number) => void)(r.at, r.at + SLOTS, r.at + LINE_ROOM);
    return new LineKernel(r.exports, r.memory, r.at);
  }
}
