/**
 * Built-in modules loaded when first used. Each costs 1-3 ms of start-up (crypto pulls in
 * OpenSSL bindings, zlib its stream machinery), and a plugin's minimal run needs neither: a log
 * that has not changed is not hashed, a dump is not decompressed.
 */
import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

export const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');
export const zlib = (): typeof Zlib => process.getBuiltinModule('node:zlib');
