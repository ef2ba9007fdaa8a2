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
 * (4,724 bytes; test/unit/wasm-text.test.ts assembles it again and compares).
 */
import { lineBuffer, roomKernel } from '../../lib/tail/line-end.js';

const KERNEL = Uint8Array.from(Buffer.from('AGFzbQEAAAABOAlgA39/fwBgAX8Bf2ACf38Bf2ADf39/AX9gBH9/f38Bf2AGf39/f39/AX9gAAF/YAAAYAJ+fgF+AhMCAW0BbQIAAQFtBXRleHRzA38AAx8eAAEBAgMCAQICAQEEBAQFBAICAgYDAgcIBwEGAQcCBiQHfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAsHIAQEaW5pdAAABmluc2VydAAbBWNsZWFyABwEbGluZQAdCtIgHhsAIAAkASABJAIgAUGAgARqJAMjAyQEIAIkBQsNACAAQSBGIABBCUZyCwoAIABBMGtBCkkLJAACQANAIAAgAU4NASAALQAAEAFFDQEgAEEBaiEADAALCyAAC5wBAwF/AXsBfwJAA0AgAUEQaiACSg0BIAH9AAQAIQQgBCAA/Q/9IyAE/QwKCgoKCgoKCgoKCgoKCgoK/SP9UP1kIQUgBQRAIAEgBWhqIQEgAS0AACAARgRAIAEPC0F/DwsgAUEQaiEBDAALCwJAA0AgASACTg0BIAEtAAAhAyADIABGBEAgAQ8LIANBCkYNASABQQFqIQEMAAsLQX8L6gEDAX8BewF/AkADQCAAQRBqIAFKDQEgAP0ABAAhAyAD/QxdXV1dXV1dXV1dXV1dXV1d/SMgA/0Mfn5+fn5+fn5+fn5+fn5+fv0o/VAgA/0MICAgICAgICAgICAgICAgIP0mIAP9DAkJCQkJCQkJCQkJCQkJCQn9I/1P/VD9ZCEEIAQEQCAAIARoaiEAIAAtAABB3QBGBEAgAA8LQX8PCyAAQRBqIQAMAAsLAkADQCAAIAFODQEgAC0AACECIAJB3QBGBEAgAA8LIAJB/gBLDQEgAkEgSSACQQlHcQ0BIABBAWohAAwACwtBfwvZAQECeyAA/QAEACEBIAD9AAQFIQIgAf0MMDAwMDAwMDAwMDAwMDAwMP1x/QwKCgoKCgoKCgoKCgoKCgoK/Sb9DAD/////AP//AP//AP//AP/9TiAB/QxbMDAwMC0wMC0wMCAwMDow/SP9UP1jIAL9DDAwMDAwMDAwMDAwMDAwMDD9cf0MCgoKCgoKCgoKCgoKCgoKCv0m/QwAAAAAAAAAAAAAAP8A//8A/U4gAv0MMDAwMDAwMDAwMDAwOjAwXf0j/VD9DP//////////////AAAAAAD9UP1jcQuwAQAgASAAa0EMRgRAIAApAwBCw5616pTIk6IgUSAAKAIIQcOCseIERnEEQEEBDwsgACkDAEKgwICBgoSIEIRC496165bMm7IgUSAAKAIIQaDAgIECckHjwrHjBkZxBEBBAg8LCyABIABrQRBGBEAgACkDAEKgwICBgoSAkCCEQuPYlYvmjciw5gBRIAApAwhCoMCAgYCEiJAghEL0ysmD4uybuesAUXEEQEECDwsLQQAL5wUBDH8jASECIAEgAGtBFUgEQEF/DwsgABAGRQRAQX8PCyAAQRVqIAEQAyEDIAMhBAJAA0AgAyABTg0BIAMtAABBIHJB4QBrQRlLDQEgA0EBaiEDDAALCyADIARGBEBBfw8LIAQtAABBIHIhBSACIAVB5ABGIAVB6QBGcjYCBCADIAEQAyEDIAMgAU4EQEF/DwsgAy0AAEE6RwRAQX8PCyADQQFqIAEQAyEDAkADQCAHIAhBBE5yDQEgAyABTgRAQX8PCyADLQAAIQUgBUHbAEcEQCAFQQpGIAVBIWtB3gBJcgRAIAIgAzYCCEF+DwtBfw8LIANBAWogARAFIQkgCUEASARAQX8PCyADQQFqIAkQAyEKIAkhCwJAA0AgCyAKTA0BIAtBAWstAAAQAUUNASALQQFrIQsMAAsLIAogCxAHIQ0gDUECRgRAQX8PCyANQQFGBEBBASEHBSACIAZBAnRqIAo2AiAgAiAGQQJ0aiALNgIkIAZBAmohBgsgCUEBaiABEAMhAyAIQQFqIQgMAAsLIAdFIAZFcgRAIAIgAzYCCEF+DwsgAiAGNgIAIAMgAU4EQEF/DwsgAy0AAEHbAEcEQEF/DwtB3QAgA0EBaiABEAQhCSAJQQBIBEBBfw8LIANBAWogCRADIQwgDC0AAEEgckHwAEcEQEF/DwsgDC0AAUEgckHpAEcEQEF/DwsgDC0AAkEgckHkAEcEQEF/DwsgDEEDaiAJEAMhDCAMLQAAQTpHBEBBfw8LIAxBAWogCRADIQwgDC0AABACRQRAQX8PCyACIAw2AgwCQANAIAwgCU4NASAMLQAAEAJFDQEgDEEBaiEMDAALCyACIAw2AhAgDCAJEAMgCUcEQEF/DwsgCUEBaiABEAMhAyADIAFOBEBBfw8LIAMtAABB2wBHBEBBfw8LQd0AIANBAWogARAEIQkgCUEASARAQX8PCyACIANBAWo2AhQgAiAJNgIYIAlBAWogARADCxYAIABBwQBrQRpJBH8gAEEgcgUgAAsLGgAgABACIABBIHJB4QBrQRpJciAAQd8ARnILQQEBfyAAIANqIAFKBEBBAA8LAkADQCAEIANODQEgACAEai0AACACIARqLQAARwRAQQAPCyAEQQFqIQQMAAsLQQELQwEBfyAAIANqIAFKBEBBAA8LAkADQCAEIANODQEgACAEai0AABAJIAIgBGotAABHBEBBAA8LIARBAWohBAwACwtBAQs6AQF/IAAgA2ohBCAEIAFKBEBBAA8LIAAgASACIAMQDEUEQEEADwsgBCABSARAIAQtAAAQCkUPC0EBC1QBAX9BICAAIAEQBCEGAkADQCAGQQBIDQEgBiABIAIgAxANBEAgBg8LIAVBAEoEQCAGIAEgBCAFEA0EQCAGDwsLQSAgBkEBaiABEAQhBgwACwtBfwtMAQF/IAItAAAgACABEAQhBAJAA0AgBEEASA0BIAQgA2ogAUoNASAEIAEgAiADEAwEQCAEDwsgAi0AACAEQQFqIAEQBCEEDAALC0F/C0ABAX8CQANAIAAgAU4NASAALQAAIQIgAkH+AEsEQEEADwsgAkEgSSACQQlHcQRAQQAPCyAAQQFqIQAMAAsLQQELJwACQANAIAEgAEwNASABQQFrLQAAEAFFDQEgAUEBayEBDAALCyABCzEBAn8gACABEAMhAiACIAEQESEDIAIgAxAQRQRAQQAPCyMBIAI2AkgjASADNgJMQQELOwECfyMBKAIYIQEjASgCFCABEAMhACAAIAEQESEBIAAgARAQRQRAQQAPCyMBIAA2AlAjASABNgJUQQELSwECfyMBIQRBCiABIAIQBCEDIANBAEgEQCACIQMLIAQgA0EBayADIAMgBCgCWEogA0EBay0AAEENRnEbNgJcIAQgA0EBajYCYCAAC7QHAQ1/IwEhAiAAIAEQCCEDIANBAEgEQCADDwsgAyABIwBBAGpBExALBEAgAigCBEUEQEF/DwsgAiADQRNqNgIIQX0PCyADIAEjAEETakESEAsEQEEBIQQgA0ESaiEFBSADIAEjAEElakEdEAsEQEECIQQgA0EdaiEFBSADIAEjAEHCAGpBGhALBEBBAyEEIANBGmohBQUgAyABIwBB3ABqQSQQCwRAQQQhBCADQSRqIQUFQX8PCwsLCyAFIAEQBSEGIAZBAEgEQEF/DwsgBSAGEAMhByAHIAYQESEIIAcgCEYEQEF/DwsgAiAHNgJAIAIgCDYCRCACQQA2AkggAkEANgJMIAIgAzYCWCAEQQJGBEAgBiABIwBBnQFqQQ0QDEUEQEF/DwsgBkENaiEJIAlBAWogASMAQaECakETQQBBABAOIQogCkEATgRAIAkgChASBEBBACAKIAEQFA8LQX8PCyAJQQFqIAEjAEG0AmpBEUEAQQAQDiEKIApBAEgEQEF/DwsgCSAKEBJFBEBBfw8LEBNFBEBBfw8LQQEgCiABEBQPCyAEQQRGBEAgBiABIwBBxQJqQQwQDUUEQEF/DwsQE0UEQEF/DwtBAiAGIAEQFA8LIARBA0YEQCAGIAEjAEHUAWpBDBAMRQRAQX8PC0EDIAYgARAUDwsgBiABIwBBnQFqQQ0QDARAIAZBDWohCSAJQQFqIAEjAEHgAWpBICMAQYACakEhEA4hCiAKQQBIBEBBfw8LIAkgChASRQRAQX8PC0EEIAogARAUDwsgBiABIwBBqgFqQSoQDARAIAZBAWogASMAQZ0BakENEA9BAE4EQEF/DwtBBSAGIAEQFA8LIAYgASMAQYABakEdEAxFBEBBfw8LIAZBHWohCUHdACAJIAEQBEEATgRAIAVBAWogASMAQZ0BakENEA9BAE4EQEF/DwsgBUEBaiABIwBBqgFqQSoQD0EATgRAQX8PCwsgCUEBaiABIwBB0QJqQQQQDyEKAkADQCAKQQBIDQECQCAKQQRqIQsgCyEMAkADQCALIAFODQEgCy0AACEOIA4QAiAOQS5GckUNASALQQFqIQsMAAsLIAsgDEYNACALIQ0gCyABEAMhCyALIAFODQAgCy0AABAJQfMARw0AIAtBAWogAUgEQCALQQFqLQAAEAoNAQsgCSAKEBJFBEBBfw8LIAIgDDYCZCACIA02AmggAiALQQFqNgJgQQYPCyAKQQFqIAEjAEHRAmpBBBAPIQoMAAsLQX8LkwEBAn8jASEAIAAoAgAhASABQQROBEAgACAAKAIgNgJwIAAgACgCJDYCdAUgAEEANgJwIABBADYCdAsgACgCTCAAKAJISgRAIAAgACgCSDYCeCAAIAAoAkw2AnwFIAAgACABQQJ0aigCGDYCeCAAIAAgAUECdGooAhw2AnwLIAAgACgCQDYCgAEgACAAKAJENgKEAQsdACAAIAGFQpX4qfqXt96bnn9+IQAgACAAQh2IhQuxAQIEfwF+IwEhAEKV+Kn6l7fem55/IQRBDCQHAkADQCABQQNPDQEgACABQQN0aigCcCECIAAgAUEDdGooAnQhAyMHIAMgAmtqJAcgBCADIAJrrRAXIQQCQANAIAJBCGogA0oNASAEIAIpAwAQFyEEIAJBCGohAgwACwsCQANAIAIgA04NASAEIAIxAAAQFyEEIAJBAWohAgwACwsgAUEBaiEBDAALCyAEIARCIIiFpyQGC7gBAQV/IwEhASAAQRBqIQUCQANAIAJBA08NASABIAJBA3RqKAJwIQMgASACQQN0aigCdCEEIAUoAgAgBCADa0cEQEEADwsgBUEEaiEFAkADQCADQQhqIARKDQEgAykDACAFKQMAUgRAQQAPCyADQQhqIQMgBUEIaiEFDAALCwJAA0AgAyAETg0BIAMtAAAgBS0AAEcEQEEADwsgA0EBaiEDIAVBAWohBQwACwsgAkEBaiECDAALC0EBC2YBAn8QFhAYIwdBgAhLBEBBfQ8LIwZB//8AcSEAA0AjAiAAQQJ0aigCACEBIAFFBEBBfw8LIAEoAgQjBkYgASgCACMHRnEEQCABEBkEQCABKAIIDwsLIABBAWpB//8AcSEADAALAAvQAQEGfyMEIQEgASMHQRhqaiMFSwRAQQAPCyABIwc2AgAgASMGNgIEIAEgADYCCCABQRBqIQICQANAIANBA08NASMBIANBA3RqKAJwIQQjASADQQN0aigCdCEFIAIgBSAEazYCACACQQRqIAQgBSAEa/wKAAAgAkEEIAUgBGtqaiECIANBAWohAwwACwsgAkEHakF4cSQEIwZB//8AcSEGAkADQCMCIAZBAnRqKAIARQ0BIAZBAWpB//8AcSEGDAALCyMCIAZBAnRqIAE2AgBBAQsRACMCQQBBgIAE/AsAIwMkBAsdAQF/IAAgARAVIQIgAkEATgRAIwEQGjYCbAsgAgsL3AIBACMAC9UCRXhlY3V0aW5nIGNvbW1hbmQgW1RoZSBjb21tYW5kIGNhbGwgW0ZhaWxlZCB0byBzZW5kIGNvbW1hbmQgY2FsbCBbUmVjZWl2ZWQgdW5rbm93biBjb21tYW5kIFtGYWlsZWQgdG8gZXhlY3V0ZSByZWNlaXZlZCBjb21tYW5kIFtdIHdhcyBleGVjdXRlZCBieSB0aGUgbW9kdWxlIF0gZm9yIG1vZHVsZSBdIHdhcyBzZW50IGJ1dCBhbm90aGVyIGFuc3dlciB3YXMgcmVjZWl2ZWRdIHRvIGV4ZWN1dGUgd2FzIHNlbnQgYnV0IHRoZSBjYWxsIHRpbWVkIG91dCB3YXMgc2VudCwgYnV0IHRoZSBjYWxsIHRpbWVkIG91dCBiZWNhdXNlIG9mIHRpbWVvdXQgYmVjYXVzZSBvZiBlcnJvcl0gd2l0aCBlcnJvciBpbiA=', 'base64'));

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
