/**
 * Built-in modules loaded when first used. Each costs 0.3-3 ms of start-up (crypto pulls in
 * OpenSSL bindings, zlib its stream machinery), and a plugin's minimal run needs neither: a log
 * that has not changed is not hashed, a dump is not decompressed. node:net with its streams cost
 * every run of check_delayed_dump and handle_delayed_dump ~15 ms (bench/NOTES.md), though only a
 * run asked to count a server's workers or to submit to it connects to one.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as Net from 'node:net';
import type * as Os from 'node:os';
import type * as Zlib from 'node:zlib';

export const childProcess = (): typeof ChildProcess => process.getBuiltinModule('node:child_process');
export const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');
export const net = (): typeof Net => process.getBuiltinModule('node:net');
/** the user's name for the packaged state directory, the home a shell put in a range: a run given --state-dir and its thresholds asks neither */
export const os = (): typeof Os => process.getBuiltinModule('node:os');
export const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');
