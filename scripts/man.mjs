// Man pages from the programs' own tables (`msgwatch --describe`, src/registry.ts): one page per
// program (NAME, SYNOPSIS, DESCRIPTION, OPTIONS, METRICS, EXIT STATUS, ENVIRONMENT, FILES,
// EXAMPLES, SEE ALSO) and msgwatch(1). Plain man(7) macros, escaped so that groff warns about
// nothing (lintian runs it) and no line of a value starts a request.
//   node scripts/man.mjs OUTDIR    writes OUTDIR/<program>.1 and OUTDIR/msgwatch.1

/** Text for a troff line: backslashes and hyphens escaped, a leading . or ' neutralised. */
export function esc(t) {
  return String(t).replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

function optionLine(key, spec) {
  const alias = typeof spec.alias === 'string' && spec.alias.length === 1 ? spec.alias : null;
  const PLACEHOLDER = { timeout: 'SECONDS[:STATE]', warning: 'RANGE|NAME=RANGE', critical: 'RANGE|NAME=RANGE', 'output-format': 'text|json', 'extra-opts': '[SECTION][@FILE]' };
  const value = spec.type === 'boolean' || spec.type === 'count' ? ''
    : PLACEHOLDER[key] ?? (typeof spec.coerce === 'string' ? spec.coerce : key.split('-').pop().toUpperCase());
  const sep = key === 'extra-opts' ? '[=' : ' ';
  const names = `${alias ? `\\fB\\-${alias}\\fR, ` : ''}\\fB\\-\\-${esc(key)}\\fR${value ? `${sep}\\fI${esc(value)}\\fR${sep === '[=' ? ']' : ''}` : ''}`;
  const def = spec.default === undefined || spec.default === false || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` (default: ${Array.isArray(spec.default) ? spec.default.join(', ') : spec.default})`;
  const rep = spec.array && !/repeatable/i.test(spec.describe ?? '') ? ' Repeatable.' : '';
  return ['.TP', names, `${esc(spec.describe ?? '')}${esc(def)}.${rep}`.replace(/\.\.$/, '.')];
}

const ENVIRONMENT = [
  ['MSGWATCH_STATE_DIR', 'where state is kept when --state-dir is not given (default /var/lib/msgwatch/USER when the package made it, else /var/tmp/msgwatch-UID)'],
  ['MP_CONFIG_FILE', 'the ini file --extra-opts reads when it names none'],
  ['NAGIOS_CONFIG_PATH', 'colon-separated directories searched for monitoring-plugins.ini, plugins.ini or nagios-plugins.ini by --extra-opts'],
  ['LC_ALL, TZ', 'not read for output: numbers are plain decimals, times are the host\'s local time'],
];

export function programPage(p, version, date) {
  const lines = [
    `.TH ${p.name.toUpperCase().replace(/-/g, '\\-')} 1 "${date}" "msgwatch ${version}" "Monitoring plugins"`,
    '.SH NAME', `${esc(p.name)} \\- ${esc(p.what)}`,
    '.SH SYNOPSIS', `.B ${esc(p.name)}`, '[\\fIoptions\\fR]',
    '.SH DESCRIPTION', ...esc(p.description).split('\n'),
    '.PP', `${esc(p.name)} is a link to \\fBmsgwatch\\fR(1), one standalone executable with an embedded Node.js (${esc(p.node)}), and runs as the name it is called by.`,
    '.SH OPTIONS',
  ];
  for (const [k, s] of Object.entries(p.options)) lines.push(...optionLine(k, s));
  lines.push('.TP', '\\fB\\-h\\fR, \\fB\\-\\-help\\fR', 'Show the help and exit.', '.TP', '\\fB\\-V\\fR, \\fB\\-\\-version\\fR', 'Show the version (and the embedded Node.js) and exit.');
  if (p.metrics.length) {
    lines.push('.SH METRICS', 'Each is a performance-data label and a name for \\fB\\-w\\fR/\\fB\\-c\\fR \\fINAME\\fR=\\fIRANGE\\fR; what a run did not measure is U.');
    for (const m of p.metrics) lines.push('.TP', `\\fB${esc(m.name)}\\fR${m.uom ? ` (${esc(m.uom)})` : ''}`, esc(m.help));
  }
  lines.push('.SH EXIT STATUS', esc(p.exit));
  lines.push('.SH ENVIRONMENT');
  for (const [k, v] of ENVIRONMENT) lines.push('.TP', `\\fB${esc(k)}\\fR`, esc(v));
  lines.push('.SH FILES', '.TP', '\\fI/var/lib/msgwatch/USER/\\fR', 'State (read positions, baselines), one directory per scheduler user; made by the packages.',
    '.TP', '\\fI/etc/monitoring\\-plugins/monitoring\\-plugins.ini\\fR', 'One of the files \\fB\\-\\-extra\\-opts\\fR reads.');
  if (p.examples.length) {
    lines.push('.SH EXAMPLES');
    for (const [cmd, what] of p.examples) lines.push('.TP', `\\f(CW${esc(cmd)}\\fR`, esc(what));
  }
  lines.push('.SH SEE ALSO', '\\fBmsgwatch\\fR(1), /usr/share/doc/msgwatch/README.md.gz, /usr/share/doc/msgwatch/examples/');
  return `${lines.join('\n')}\n`;
}

export function msgwatchPage(d, date, summary) {
  const lines = [
    `.TH MSGWATCH 1 "${date}" "msgwatch ${d.version}" "Monitoring plugins"`,
    '.SH NAME', `msgwatch \\- ${esc(summary)}`,
    '.SH SYNOPSIS', '.B msgwatch', '\\fIprogram\\fR [\\fIoptions\\fR]', '.br', '.B msgwatch', '\\-\\-runtime\\-check [\\fIsqlite\\-db\\fR]', '.br', '.B msgwatch', '\\-\\-describe',
    '.SH DESCRIPTION', `One standalone executable (Node.js ${esc(d.node)} embedded) that serves every program below; each is installed as a link to it and runs as the name it is called by. Under a name it does not serve it is UNKNOWN (exit 3).`,
    '.SH PROGRAMS',
  ];
  for (const p of d.programs) lines.push('.TP', `\\fB${esc(p.name)}\\fR(1)`, esc(p.what));
  lines.push('.SH OPTIONS', '.TP', '\\fB\\-\\-runtime\\-check\\fR [\\fIdb\\fR]', 'The embedded Node.js, V8, OpenSSL and SQLite versions, the host\'s glibc, and whether node:sqlite opens \\fIdb\\fR read\\-only.',
    '.TP', '\\fB\\-\\-describe\\fR', 'Every program\'s option and metric tables as JSON.', '.TP', '\\fB\\-V\\fR, \\fB\\-\\-version\\fR', 'The version and the embedded Node.js.');
  lines.push('.SH EXIT STATUS', '0 for \\-\\-help and \\-\\-version; 3 for a name or program it does not serve; otherwise the program\'s own.');
  lines.push('.SH SEE ALSO', d.programs.map((p) => `\\fB${esc(p.name)}\\fR(1)`).join(', '));
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { describeBuilt, root } = await import('./describe.mjs');
  const d = describeBuilt();
  const outDir = process.argv[2] ?? join(root, 'build', 'man');
  mkdirSync(outDir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  for (const p of d.programs) writeFileSync(join(outDir, `${p.name}.1`), programPage({ ...p, node: d.node }, d.version, date));
  writeFileSync(join(outDir, 'msgwatch.1'), msgwatchPage(d, date, 'monitoring plugins for lost and delayed messages'));
  console.log(`man pages in ${outDir}`);
}
