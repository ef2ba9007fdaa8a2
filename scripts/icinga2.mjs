// Icinga 2 CheckCommands and the EventCommand, generated from the programs' own option tables
// (`msgwatch --describe`, src/registry.ts), in the style of the Icinga Template Library: each
// command has its own variable prefix (delayed_dump_*, broker_commands_*, um_naks_*,
// um_event_queue_*, handle_delayed_dump_*), every option is exposed with its description,
// set_if for flags, repeat_key for repeatable options. One host variable of one command can
// therefore never reach another (a shared msgwatch_critical once turned the UM checks UNKNOWN).
//   node scripts/icinga2.mjs [OUT]     default examples/icinga2/commands.conf
//   node scripts/icinga2.mjs --check   fails when the committed file is not what the tables give

const q = (s) => JSON.stringify(String(s));
const varName = (prefix, key) => `${prefix}_${key.replace(/-/g, '_')}`;

function argument(prefix, key, spec) {
  const flag = typeof spec.alias === 'string' && spec.alias.length === 1 ? `-${spec.alias}` : `--${key}`;
  const v = varName(prefix, key);
  const def = spec.default === undefined || spec.default === false || (Array.isArray(spec.default) && !spec.default.length) ? '' : ` (default ${Array.isArray(spec.default) ? spec.default.join(', ') : spec.default})`;
  const desc = `${spec.describe ?? ''}${def}`.replace(/\s+/g, ' ');
  // an optional value must be joined to its option (--extra-opts=SECTION@FILE): given whole, set only when the variable is
  const body = key === 'extra-opts'
    ? [`value = ${q(`--${key}=$${v}$`)}`, 'skip_key = true', `set_if = ${q(`$${v}$`)}`]
    : spec.type === 'boolean' || spec.type === 'count'
      ? [`set_if = ${q(`$${v}$`)}`]
      : [`value = ${q(`$${v}$`)}`, ...(spec.array ? ['repeat_key = true'] : [])];
  return [`\t\t${q(flag)} = {`, ...body.map((b) => `\t\t\t${b}`), `\t\t\tdescription = ${q(desc)}`, '\t\t}'];
}

export function commandsConf(d) {
  const out = [
    '/*',
    ' * msgwatch CheckCommands and EventCommand for Icinga 2, generated from the programs\' option',
    ' * tables by scripts/icinga2.mjs (do not edit: npm run icinga2). ITL style: each command has its',
    ' * own variable prefix, every option is an argument, set_if for flags, repeat_key for',
    ' * repeatable options (thresholds are arrays: vars.delayed_dump_critical = [ "messages=1000" ]).',
    ' * PluginDir is /usr/lib/nagios/plugins (Debian, the .deb); with the .rpm on RHEL-family hosts,',
    ' * const PluginDir = "/usr/lib64/nagios/plugins".',
    ` * msgwatch ${d.version}`,
    ' */',
  ];
  for (const p of d.programs) {
    const { object, prefix } = p.icinga;
    const handler = p.kind === 'handler';
    out.push('', `/* ${p.name}: ${p.what} */`, `object ${handler ? 'EventCommand' : 'CheckCommand'} ${q(object)} {`, `\tcommand = [ PluginDir + ${q(`/${p.name}`)} ]`, '\targuments = {');
    for (const [key, spec] of Object.entries(p.options)) out.push(...argument(prefix, key, spec));
    out.push('\t}');
    if (handler) {
      // the event's own state, and by default the dump the service's check reads
      out.push(`\tvars.${varName(prefix, 'service-state')} = "$service.state$"`, `\tvars.${varName(prefix, 'state-type')} = "$service.state_type$"`,
        `\tvars.${varName(prefix, 'attempt')} = "$service.check_attempt$"`, `\tvars.${varName(prefix, 'file')} = "$delayed_dump_file$"`, '\ttimeout = 30s');
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { describeBuilt, root } = await import('./describe.mjs');
  const target = join(root, 'examples', 'icinga2', 'commands.conf');
  const text = commandsConf(describeBuilt());
  if (process.argv[2] === '--check') {
    if (readFileSync(target, 'utf8') !== text) { console.error(`${target} is not what the option tables give: npm run icinga2`); process.exit(1); }
  } else {
    writeFileSync(process.argv[2] ?? target, text);
    console.log(`wrote ${process.argv[2] ?? target}`);
  }
}
