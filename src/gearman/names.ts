/**
 * Gearman function names are bytes. Here they are JavaScript strings of one latin1 character a
 * byte (what the admin protocol is read as, what a dump's queue names are counted as), so that a
 * name goes back to the server byte for byte; a name an operator gives on the command line is
 * text (UTF-8) and is turned into the same form before it is compared.
 */

/** A function name for people: UTF-8 where it is, its bytes escaped (`\xNN`) where not, control bytes escaped. */
export function shown(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x20-\x7e]/.test(name)) return name; // printable ASCII: itself (most names, every run)
  const b = Buffer.from(name, 'latin1');
  const u = b.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const text = Buffer.from(u, 'utf8').equals(b) ? u : [...b].map((c) => (c < 0x80 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('');
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A function name given as text (an option): its bytes, as the names above are held. */
export const asBytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
