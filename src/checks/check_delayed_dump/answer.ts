/**
 * Recognising OpMon's answer to _OPDB_FETCH_DELAYED in opmon.log. Its exact wording is not
 * public, so the default pattern is tolerant: a line that mentions "delayed" and a number near it
 * ("Delayed messages: 42", "42 messages in delayed_messages"). The Nagios-style `[epoch] ` prefix
 * is taken off first (its number is a time, not a count), and the log's echo of the command
 * itself ("EXTERNAL COMMAND: _OPDB_FETCH_DELAYED") is never an answer.
 *
 * The pattern is an operator's regular expression run on lines the log may make long, so: each
 * line is cut to 1024 characters before matching, and a pattern with a quantified group that
 * itself holds a quantifier (`(a+)+`, `(.*)*`: the shapes that backtrack exponentially) is
 * refused. Work per line is then bounded.
 */

export const DEFAULT_FETCH_PATTERN = String.raw`delayed[^0-9]{0,80}?(\d+)|(\d+)[^0-9]{0,80}?delayed`;
const MAX_LINE = 1024;

/** Compiles an operator's pattern, or says what is wrong with it. */
export function compileAnswer(source: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(source, 'i');
  } catch (e) {
    throw new Error(`'${source}' is not a regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
  if (new RegExp(`${source}|`).exec('')!.length < 2) throw new Error(`'${source}' has no capture group: put the count in ( )`);
  const nested = nestedQuantifier(source);
  if (nested) throw new Error(`'${source}': the quantified group ${nested} holds a quantifier, which can take exponential time on a long line; write it without nesting`);
  return re;
}

/** A group followed by a quantifier whose body has a quantifier too, or null. */
function nestedQuantifier(src: string): string | null {
  const open: { at: number; quantified: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(') { open.push({ at: i, quantified: false }); continue; }
    const isQuant = c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i)));
    if (c === ')') {
      const g = open.pop();
      const next = src[i + 1];
      const after = next === '*' || next === '+' || (next === '{' && /^\{\d+(,\d*)?\}/.test(src.slice(i + 1)));
      if (g && g.quantified && after) return src.slice(g.at, i + 2);
      if (g && g.quantified && open.length) open[open.length - 1].quantified = true;
      continue;
    }
    if (isQuant && open.length) open[open.length - 1].quantified = true;
  }
  return null;
}

/** The count in an answer line, or null when the line is not one. */
export function answerCount(line: string, re: RegExp): number | null {
  let text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  const stamp = /^\[\d{1,12}\]\s*/.exec(text); // Nagios-style log time
  if (stamp) text = text.slice(stamp[0].length);
  if (/_OPDB_|EXTERNAL COMMAND/i.test(text)) return null;
  const m = re.exec(text);
  if (!m) return null;
  const g = m.slice(1).find((x) => x !== undefined && /^\d{1,15}$/.test(x));
  return g === undefined ? null : Number(g);
}
