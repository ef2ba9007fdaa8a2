/**
 * mod_gearman's payload encoding (its common/crypt.c and utils.c): base64 of the text, or with a
 * key, base64 of the text and its NUL zero-padded to 16-byte blocks and encrypted with AES-256-ECB
 * (the key zero-padded to 32 bytes). The key is read as mod_gearman reads its keyfile.
 */
import { readFileSync } from 'node:fs';
import { crypto } from '../lib/builtins.js';

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

/** A payload as mod_gearman sends it: base64, encrypted first when there is a key. */
export function encode(text: Buffer, key: Buffer | null): Buffer {
  if (!key) return Buffer.from(text.toString('base64'), 'latin1');
  const padded = Buffer.alloc(Math.ceil((text.length + 1) / 16) * 16);
  text.copy(padded);
  const c = crypto().createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.from(Buffer.concat([c.update(padded), c.final()]).toString('base64'), 'latin1');
}

/** The text of a payload, or null when it is not base64 or does not decrypt to whole blocks. */
export function decode(payload: Buffer, key: Buffer | null): Buffer | null {
  const b64 = payload.toString('latin1').trim();
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64) || b64 === '') return null;
  const data = Buffer.from(b64, 'base64');
  if (!key) return data;
  if (data.length % 16 !== 0) return null;
  const d = crypto().createDecipheriv('aes-256-ecb', key, null);
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(data), d.final()]);
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return plain.subarray(0, end);
}

/** Text a person wrote: valid UTF-8, no control characters but TAB, LF and CR. */
export function isText(b: Buffer): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]/.test(b.toString('utf8'));
}
