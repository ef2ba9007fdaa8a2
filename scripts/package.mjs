#!/usr/bin/env node
// npm run package: a .deb and an .rpm of the built multi-call executable, into dist/pkg/.
//
//   .deb  (dpkg-deb)  /usr/lib/nagios/plugins/msgwatch + a symlink per program (Debian's layout),
//                     Depends from dpkg-shlibdeps, a man page per program from its tables, examples.
//   .rpm  (rpmbuild)  /usr/lib64/nagios/plugins (the EPEL layout), Requires read from the binary's
//                     NEEDED entries and symbol versions, the same docs, and
//                     /usr/share/msgwatch/opmon-links for /usr/local/opmon/libexec.
// Both create /var/lib/msgwatch/<user> (0700) for each scheduler user that exists (nagios, icinga,
// opmon): the plugins use it by default, so state survives NRPE's PrivateTmp and /var/tmp cleaning.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { msgwatchPage, programPage } from './man.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.version;
const bin = join(root, 'dist', 'bin');
const out = join(root, 'dist', 'pkg');
const work = join(root, 'build', 'pkg');
if (!existsSync(join(bin, 'msgwatch'))) { console.error('nothing built: run npm run build first'); process.exit(1); }
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...opts });
const env = { ...process.env, LC_ALL: 'C' };
delete env.NODE_OPTIONS;
delete env.NODE_EXTRA_CA_CERTS;

const SUMMARY = 'monitoring plugins for lost and delayed messages';
const DESCRIPTION = [
  'Check plugins for Nagios-family schedulers (OpMon, Nagios Core, Icinga 2,',
  'Naemon, Shinken) that watch where monitoring and messaging systems lose or',
  "delay messages: OpMon's delayed-messages dump and live queue",
  '(check_delayed_dump), Shinken broker command calls',
  '(check_broker_command_timeouts), Ultra Messaging NAKs, loss and event queues',
  'from lbmmon (check_um_naks, check_um_event_queue), and an event handler that',
  're-imports the dump (handle_delayed_dump). One standalone executable (with an',
  'embedded Node.js) serves every program.',
];
const USERS = ['nagios', 'icinga', 'opmon'];
const stateDirScript = `for u in ${USERS.join(' ')}; do
  if getent passwd "$u" >/dev/null 2>&1; then
    install -d -m 0755 -o root -g root /var/lib/msgwatch
    [ -d "/var/lib/msgwatch/$u" ] || install -d -m 0700 -o "$u" -g "$(id -gn "$u")" "/var/lib/msgwatch/$u"
  fi
done`;

/** The man pages, from the programs' own tables (scripts/man.mjs): one per program and msgwatch(1). */
const described = JSON.parse(run(join(bin, 'msgwatch'), ['--describe'], { env }));
// the programs: the registry's (src/registry.ts), as the executable reports it
const programs = described.programs.map((p) => p.name).sort();
const manDate = new Date().toISOString().slice(0, 10);
const manPages = Object.fromEntries([
  ...described.programs.map((p) => [p.name, programPage({ ...p, node: described.node }, version, manDate)]),
  ['msgwatch', msgwatchPage(described, manDate, SUMMARY)],
]);

/** A staged file tree under `dir` with the plugins in `plugins` (relative to the root). */
function stage(dir, plugins) {
  const pdir = join(dir, plugins);
  mkdirSync(pdir, { recursive: true });
  copyFileSync(join(bin, 'msgwatch'), join(pdir, 'msgwatch'));
  chmodSync(join(pdir, 'msgwatch'), 0o755);
  for (const p of programs) symlinkSync('msgwatch', join(pdir, p));
  const doc = join(dir, 'usr/share/doc/msgwatch');
  mkdirSync(join(doc, 'examples'), { recursive: true });
  for (const f of ['commands.cfg', 'services.cfg', 'nrpe.cfg']) copyFileSync(join(root, 'examples', f), join(doc, 'examples', f));
  if (existsSync(join(root, 'examples', 'icinga2'))) cpSync(join(root, 'examples', 'icinga2'), join(doc, 'examples', 'icinga2'), { recursive: true });
  if (existsSync(join(root, 'examples', 'prometheus'))) cpSync(join(root, 'examples', 'prometheus'), join(doc, 'examples', 'prometheus'), { recursive: true });
  writeFileSync(join(doc, 'README.md.gz'), gzipSync(readFileSync(join(root, 'README.md')), { level: 9 }));
  const man = join(dir, 'usr/share/man/man1');
  mkdirSync(man, { recursive: true });
  for (const [p, page] of Object.entries(manPages)) writeFileSync(join(man, `${p}.1.gz`), gzipSync(Buffer.from(page), { level: 9 }));
  return doc;
}

// ---------- .deb
const arch = run('dpkg', ['--print-architecture']).trim();
const debRoot = join(work, `msgwatch_${version}_${arch}`);
const doc = stage(debRoot, 'usr/lib/nagios/plugins');
writeFileSync(join(doc, 'copyright'), `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: msgwatch
Source: https://example.invalid/msgwatch

Files: *
Copyright: ${new Date().getFullYear()} the msgwatch authors
License: MIT

Files: usr/lib/nagios/plugins/msgwatch
Copyright: Node.js contributors and others (the embedded Node.js runtime)
License: MIT and others, see https://github.com/nodejs/node/blob/main/LICENSE

License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software
 and associated documentation files (the "Software"), to deal in the Software without
 restriction, including without limitation the rights to use, copy, modify, merge, publish,
 distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
 Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
`);
const stamp = new Date().toUTCString().replace('GMT', '+0000').replace(/^(\w+), (\d+) (\w+) (\d+)/, '$1, $2 $3 $4');
writeFileSync(join(doc, 'changelog.gz'), gzipSync(Buffer.from(`msgwatch (${version}) unstable; urgency=medium\n\n  * Release ${version}: see README.md.\n\n -- msgwatch maintainers <msgwatch@example.invalid>  ${stamp}\n`), { level: 9 }));
// Depends: what the binary really links against, as dpkg-shlibdeps finds it
const shl = join(work, 'shlibdeps');
mkdirSync(join(shl, 'debian'), { recursive: true });
writeFileSync(join(shl, 'debian', 'control'), 'Source: msgwatch\n\nPackage: msgwatch\nArchitecture: any\n');
const deps = /shlibs:Depends=(.*)/.exec(run('dpkg-shlibdeps', ['-O', '-e', join(debRoot, 'usr/lib/nagios/plugins/msgwatch')], { cwd: shl, env }))[1].trim();
const size = Math.ceil(Number(run('du', ['-sk', '--exclude=DEBIAN', debRoot]).split('\t')[0]));
mkdirSync(join(debRoot, 'DEBIAN'));
writeFileSync(join(debRoot, 'DEBIAN', 'control'), [
  'Package: msgwatch', `Version: ${version}`, `Architecture: ${arch}`, 'Maintainer: msgwatch maintainers <msgwatch@example.invalid>',
  `Installed-Size: ${size}`, `Depends: ${deps}`, 'Section: net', 'Priority: optional', 'Homepage: https://example.invalid/msgwatch',
  `Description: ${SUMMARY}`, ...DESCRIPTION.map((l) => ` ${l}`), '',
].join('\n'));
writeFileSync(join(debRoot, 'DEBIAN', 'postinst'), `#!/bin/sh
set -e
if [ "$1" = configure ]; then
${stateDirScript.replace(/^/gm, '  ')}
fi
exit 0
`);
writeFileSync(join(debRoot, 'DEBIAN', 'postrm'), `#!/bin/sh
set -e
# the state directory is kept on remove (it holds log positions) and goes on purge
if [ "$1" = purge ]; then rm -rf /var/lib/msgwatch; fi
exit 0
`);
for (const f of ['postinst', 'postrm']) chmodSync(join(debRoot, 'DEBIAN', f), 0o755);
// Node.js carries its own zlib and mbedtls, and its binary is not PIE: both come with embedding the
// runtime (README, "Packages": the lintian findings and why they stay)
const over = join(debRoot, 'usr/share/lintian/overrides');
mkdirSync(over, { recursive: true });
writeFileSync(join(over, 'msgwatch'), [
  '# the embedded Node.js runtime links its own copy of zlib (node:zlib); it is part of the one binary',
  'msgwatch: embedded-library zlib [usr/lib/nagios/plugins/msgwatch]',
  '# Node.js 26 also links its own mbedtls (used by its QUIC/crypto support); part of the runtime, updated with each pinned Node release',
  'msgwatch: embedded-library mbedtls [usr/lib/nagios/plugins/msgwatch]',
  '# the official Node.js binary the executable is made from is not built as PIE',
  'msgwatch: hardening-no-pie [usr/lib/nagios/plugins/msgwatch]', '',
].join('\n'));
const md5 = run('bash', ['-c', `cd "${debRoot}" && find . -path ./DEBIAN -prune -o -type f -print | sed 's#^./##' | sort | xargs md5sum`]);
writeFileSync(join(debRoot, 'DEBIAN', 'md5sums'), md5);
const deb = join(out, `msgwatch_${version}_${arch}.deb`);
run('dpkg-deb', ['--root-owner-group', '-Zxz', '-z6', '--build', debRoot, deb], { env });
console.log(`built ${deb}`);

// ---------- .rpm
const rpmArch = run('uname', ['-m']).trim();
const top = join(work, 'rpmbuild');
const rpmRoot = join(work, 'rpmroot');
const rdoc = stage(rpmRoot, 'usr/lib64/nagios/plugins');
writeFileSync(join(rdoc, 'LICENSE'), 'MIT License (msgwatch); the embedded Node.js runtime: MIT and others.\n');
mkdirSync(join(rpmRoot, 'usr/share/msgwatch'), { recursive: true });
writeFileSync(join(rpmRoot, 'usr/share/msgwatch/opmon-links'), `#!/bin/sh
# Links the msgwatch programs into OpMon's plugin directory (/usr/local/opmon/libexec by default).
#   /usr/share/msgwatch/opmon-links [DIR]      remove with: /usr/share/msgwatch/opmon-links --remove [DIR]
set -e
remove=0; [ "$1" = --remove ] && { remove=1; shift; }
dir="\${1:-/usr/local/opmon/libexec}"
for p in ${programs.join(' ')}; do
  if [ $remove = 1 ]; then [ -L "$dir/$p" ] && rm -f "$dir/$p"; else ln -sfn /usr/lib64/nagios/plugins/msgwatch "$dir/$p"; fi
done
`);
chmodSync(join(rpmRoot, 'usr/share/msgwatch/opmon-links'), 0o755);
// Requires: the libraries the binary names (NEEDED) and the newest symbol versions it uses
const needed = [...run('readelf', ['-d', join(bin, 'msgwatch')]).matchAll(/Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
const versions = run('objdump', ['-T', join(bin, 'msgwatch')]);
const newest = (tag) => [...new Set([...versions.matchAll(new RegExp(`${tag}_([0-9.]+)`, 'g'))].map((m) => m[1]))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
const requires = [
  ...needed.filter((l) => !l.startsWith('ld-linux')).map((l) => `${l}()(64bit)`),
  `libc.so.6(GLIBC_${newest('GLIBC')})(64bit)`, `libstdc++.so.6(GLIBCXX_${newest('GLIBCXX')})(64bit)`,
];
const files = run('bash', ['-c', `cd "${rpmRoot}" && find . \\( -type f -o -type l \\) | sed 's#^\\.##' | sort`]).trim().split('\n');
mkdirSync(join(top, 'SPECS'), { recursive: true });
const spec = join(top, 'SPECS', 'msgwatch.spec');
writeFileSync(spec, `Name: msgwatch
Version: ${version}
Release: 1
Summary: ${SUMMARY}
License: MIT
URL: https://example.invalid/msgwatch
AutoReqProv: no
${requires.map((r) => `Requires: ${r}`).join('\n')}
Requires(post): shadow-utils

%description
${DESCRIPTION.join('\n')}

%global __os_install_post %{nil}
%global debug_package %{nil}
%global _build_id_links none

%install
mkdir -p %{buildroot}
cp -a ${rpmRoot}/. %{buildroot}/

%post
${stateDirScript}
exit 0

%postun
# the state directory is kept (it holds log positions); remove /var/lib/msgwatch by hand
[ "$1" = 0 ] && /usr/share/msgwatch/opmon-links --remove >/dev/null 2>&1 || true
exit 0

%files
%defattr(-,root,root,-)
${files.map((f) => (f.startsWith('/usr/share/doc/') ? `%doc ${f}` : f)).join('\n')}
`);
run('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, '--define', '_binary_payload w6.xzdio', '--target', rpmArch, spec], { env });
const built = join(top, 'RPMS', rpmArch, `msgwatch-${version}-1.${rpmArch}.rpm`);
const rpm = join(out, `msgwatch-${version}-1.${rpmArch}.rpm`);
copyFileSync(built, rpm);
console.log(`built ${rpm}`);
