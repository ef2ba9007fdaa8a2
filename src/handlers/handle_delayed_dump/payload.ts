/**
 * Would mod_gearman accept this message? Its workers and its result reader base64-decode a job
 * first and drop what does not decode; with encryption on, they decrypt it with AES-256-ECB
 * (the key zero-padded to 32 bytes; the text and its NUL zero-padded to 16-byte blocks,
 * common/crypt.c). A message that fails here would be acknowledged by gearmand and then thrown
 * away by the worker: lost while the handler reported success. So it is never submitted.
 */
import { crypto } from '../../lib/builtins.js';

export { readKeyFile } from '../../gearman/crypt.js';

/** Why a message is not a mod_gearman payload, as the summary counts it. */
export type Rejection = 'not base64' | 'does not decrypt with the key' | 'not a mod_gearman job or result';

/** how a job (`type=host`), a result (`host_name=...`) or a perfdata record (`DATATYPE::SERVICEPERFDATA`) starts */
const STARTS = ['type=', 'host_name=', 'DATATYPE::'].map((t) => Uint8Array.from(t, (c) => c.charCodeAt(0)));
/** what mod_gearman's result reader takes as a clear (unencrypted) result under accept_clear_results */
const CLEAR = STARTS[0];

/** base64 alphabet value of each byte, -1 for any other */
const SEXTET = new Int8Array(256).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((c, i) => { SEXTET[c.charCodeAt(0)] = i; });

/** what String.prototype.trimEnd drops at the end of a latin1 text: TAB, LF, VT, FF, CR, space, NBSP */
const trailing = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 0xa0;

function startsWith(text: Uint8Array, length: number, t: Uint8Array): boolean {
  if (length < t.length) return false;
  for (let i = 0; i < t.length; i++) if (text[i] !== t[i]) return false;
  return true;
}

function startsLikeJob(text: Uint8Array, length: number): boolean {
  return STARTS.some((t) => startsWith(text, length, t));
}

/** the first decoded bytes of a message: as many as the prefixes and one AES block need */
const HEAD = new Uint8Array(18);
let decipher: { key: Buffer; update(b: Uint8Array): Buffer } | null = null;

/**
 * null when mod_gearman would take `message` (base64, decrypted with `key` when there is one),
 * else why not. Read on bytes and only as far as the verdict needs: the whole message is checked
 * as base64, but only its first 24 characters are decoded, and with a key only its first block is
 * decrypted (ECB: a block decrypts alone), by one decipher for the run. A string, a full decode and
 * a decipher per message made the import slower than before the check (issue 31's throughput).
 */
export function rejection(message: Buffer, key: Buffer | null, acceptClear = false): Rejection | null {
  let end = message.length;
  while (end > 0 && trailing(message[end - 1])) end--;
  if (end === 0 || end % 4 !== 0) return 'not base64';
  const pad = message[end - 1] !== 61 ? 0 : message[end - 2] !== 61 ? 1 : 2;
  for (let i = 0; i < end - pad; i++) if (SEXTET[message[i]] < 0) return 'not base64';
  const length = (end / 4) * 3 - pad; // decoded bytes
  const n = Math.min(length, HEAD.length);
  for (let q = 0, o = 0; o < n; q += 4) {
    const v = (SEXTET[message[q]] << 18) | (SEXTET[message[q + 1]] << 12) | (Math.max(SEXTET[message[q + 2]], 0) << 6) | Math.max(SEXTET[message[q + 3]], 0);
    HEAD[o++] = v >> 16;
    if (o < n) HEAD[o++] = (v >> 8) & 255;
    if (o < n) HEAD[o++] = v & 255;
  }
  if (!key) return startsLikeJob(HEAD, length) ? null : 'not a mod_gearman job or result';
  // accept_clear_results: mod_gearman's result reader takes a message whose decoded text begins
  // with `type=` as clear text and decrypts any other (common/utils.c, GM_ENCODE_ACCEPT_ALL)
  if (acceptClear && startsWith(HEAD, length, CLEAR)) return null;
  if (length === 0 || length % 16 !== 0) return 'does not decrypt with the key';
  if (decipher === null || !decipher.key.equals(key)) {
    const d = crypto().createDecipheriv('aes-256-ecb', key, null);
    d.setAutoPadding(false);
    decipher = { key, update: (b) => d.update(b) };
  }
  return startsLikeJob(decipher.update(HEAD.subarray(0, 16)), 16) ? null : 'does not decrypt with the key';
}
