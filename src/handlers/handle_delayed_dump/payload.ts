/**
 * Would mod_gearman accept this message? Its workers and its result reader base64-decode a job
 * first and drop what does not decode; with encryption on, they decrypt it with AES-256-ECB
 * (the key zero-padded to 32 bytes; the text and its NUL zero-padded to 16-byte blocks,
 * common/crypt.c). A message that fails here would be acknowledged by gearmand and then thrown
 * away by the worker: lost while the handler reported success. So it is never submitted.
 */
import { readFileSync } from 'node:fs';
import { crypto } from '../../lib/builtins.js';

/** Why a message is not a mod_gearman payload, as the summary counts it. */
export type Rejection = 'not base64' | 'does not decrypt with the key' | 'not a mod_gearman job or result';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** how a job (`type=host`), a result (`host_name=...`) or a perfdata record (`DATATYPE::SERVICEPERFDATA`) starts */
const STARTS = ['type=', 'host_name=', 'DATATYPE::'].map((s) => Buffer.from(s));

/**
 * The key as mod_gearman reads a keyfile: its first 32 bytes, up to a NUL, trailing white space
 * (the file's newline) dropped, zero-padded to 32 bytes. Never a key on the command line.
 */
export function readKeyFile(path: string): Buffer {
  const raw = readFileSync(path).subarray(0, 32);
  let end = raw.indexOf(0);
  if (end < 0) end = raw.length;
  while (end > 0 && (raw[end - 1] === 10 || raw[end - 1] === 13 || raw[end - 1] === 32 || raw[end - 1] === 9)) end--;
  if (end === 0) throw new Error(`${path} holds no key`);
  const key = Buffer.alloc(32);
  raw.copy(key, 0, 0, end);
  return key;
}

function startsLikeJob(text: Buffer): boolean {
  return STARTS.some((s) => text.length >= s.length && text.subarray(0, s.length).equals(s));
}

/** null when mod_gearman would take `message` (base64, decrypted with `key` when there is one), else why not. */
export function rejection(message: Buffer, key: Buffer | null): Rejection | null {
  const b64 = message.toString('latin1').trimEnd();
  if (b64.length === 0 || !BASE64.test(b64)) return 'not base64';
  const data = Buffer.from(b64, 'base64');
  if (!key) return startsLikeJob(data) ? null : 'not a mod_gearman job or result';
  if (data.length === 0 || data.length % 16 !== 0) return 'does not decrypt with the key';
  const d = crypto().createDecipheriv('aes-256-ecb', key, null);
  d.setAutoPadding(false);
  const text = Buffer.concat([d.update(data), d.final()]);
  return startsLikeJob(text) ? null : 'does not decrypt with the key';
}
