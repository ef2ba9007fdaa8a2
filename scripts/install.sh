#!/usr/bin/env bash
# Installs the one standalone executable and a link to it per program into a plugin directory.
#   bash scripts/install.sh [--prefix DIR] [--owner USER:GROUP] [--hardlinks]
# Default prefix: /usr/local/opmon/libexec (OpMon); Nagios on Debian: /usr/lib/nagios/plugins.
# Programs are symlinks to msgwatch (--hardlinks for hardlinks); each runs as the name it is called by.
set -euo pipefail
prefix=/usr/local/opmon/libexec
owner=""
hard=0
while (($#)); do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --owner) owner="$2"; shift 2 ;;
    --hardlinks) hard=1; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")/.." && pwd)"
[ -x "$here/dist/bin/msgwatch" ] || { echo "nothing built: run npm run build first" >&2; exit 1; }
install -d -m 0755 "$prefix"
install -m 0755 "$here/dist/bin/msgwatch" "$prefix/msgwatch"
[ -n "$owner" ] && chown "$owner" "$prefix/msgwatch"
echo "installed $prefix/msgwatch"
for link in "$here"/dist/bin/*; do
  name="$(basename "$link")"
  [ "$name" = msgwatch ] && continue
  rm -f "$prefix/$name"
  if [ "$hard" = 1 ]; then ln "$prefix/msgwatch" "$prefix/$name"; else ln -s msgwatch "$prefix/$name"; fi
  echo "installed $prefix/$name -> msgwatch"
done
