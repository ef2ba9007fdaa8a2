/**
 * `--help`, rendered from the same option table the parser reads, for an 80-column terminal:
 * paragraphs wrapped at word boundaries, one row per option with its value's name and its real
 * default where the option is, and example commands whole on one line each (an operator copies
 * them), their explanation below.
 */
import type { OptionSpecs } from './getopt.js';

const WIDTH = 80;
const LEFT = 26; // option column, then the description

/** Word-wraps `text` (a blank line separates paragraphs; a single newline is a space). */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' '))) {
    if (out.length) out.push('');
    let line = '';
    for (const word of para.split(' ').filter((w) => w !== '')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(indent + line);
  }
  return out;
}

/** The name of an option's value in the help: from its conversion (`DURATION`, `SIZE`...), else VALUE. */
function valueName(key: string, spec: OptionSpecs[string]): string {
  const tagged = (spec.coerce as { placeholder?: string } | undefined)?.placeholder;
  if (tagged) return tagged;
  if (key === 'file' || key.endsWith('-dir') || key === 'log' || key.endsWith('-file') || key === 'require-stopped') return key.endsWith('-dir') ? 'DIR' : 'FILE';
  if (spec.choices) return (spec.choices as string[]).join('|');
  if (key === 'timeout') return 'SECONDS[:STATE]';
  return key === 'warning' || key === 'critical' ? 'RANGE' : 'VALUE';
}

function defaultText(spec: OptionSpecs[string]): string {
  const d = spec.default;
  if (d === undefined || d === false || (Array.isArray(d) && d.length === 0)) return '';
  if (/\(default/.test(String(spec.describe ?? ''))) return ''; // the description says it better
  return ` (default: ${Array.isArray(d) ? d.join(', ') : String(d)})`;
}

export interface HelpSpec {
  name: string;
  usage: string;
  description: string;
  options: OptionSpecs;
  examples: [string, string][];
  /** the exit status of -h and -V (3 for plugins, as monitoring-plugins do; 0 for the handler) */
  metaExit: number;
}

export function renderHelp(h: HelpSpec): string {
  const out: string[] = [...wrap(h.usage, WIDTH), '', ...wrap(h.description, WIDTH), '', 'Options:'];
  const rows: [string, string][] = [
    ['-h, --help', `Show this help and exit (status ${h.metaExit})`],
    ['-V, --version', `Show the version and exit (status ${h.metaExit})`],
  ];
  for (const [key, spec] of Object.entries(h.options)) {
    const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
    const short = aliases.find((a) => a.length === 1);
    const takes = spec.type !== 'boolean' && spec.type !== 'count';
    const left = `${short ? `-${short}, ` : '    '}--${key}${takes ? ` ${valueName(key, spec)}` : ''}`;
    rows.push([left, `${String(spec.describe ?? '')}${defaultText(spec)}`]);
  }
  out.push(renderRows(rows, LEFT));
  if (h.examples.length) {
    out.push('', 'Examples:');
    for (const [cmd, text] of h.examples) out.push(`  ${cmd}`, ...wrap(text, WIDTH, '      '));
  }
  return out.join('\n');
}

/**
 * A list of `name  text` rows, the text wrapped beside the name (the options, and the metrics of
 * a plugin's help); a name too long for its column gets a line of its own.
 */
export function renderRows(rows: [string, string][], left = 24): string {
  return rows.map(([name, text]) => {
    const body = wrap(text, WIDTH, ' '.repeat(left));
    return name.length + 2 <= left - 1 ? [`  ${name.padEnd(left - 2)}${body[0].trimStart()}`, ...body.slice(1)].join('\n') : [`  ${name}`, ...body].join('\n');
  }).join('\n');
}

export const wrapText = (text: string): string => wrap(text, WIDTH).join('\n');
