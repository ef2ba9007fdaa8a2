#!/usr/bin/env bash
# Copies the built standalone executables into a plugin directory.
#   bash scripts/install.sh [--prefix DIR] [--owner USER:GROUP]
# Default prefix: /usr/local/opmon/libexec (OpMon); Nagios on Debian: /usr/lib/nagios/plugins.
set -euo pipefail
prefix=/usr/local/opmon/libexec
owner=""
while (($#)); do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --owner) owner="$2"; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")/.." && pwd)"
bins=("$here"/dist/bin/*)
[ -e "${bins[0]}" ] || { echo "nothing built: run npm run build first" >&2; exit 1; }
install -d -m 0755 "$prefix"
for b in "${bins[@]}"; do
  install -m 0755 "$b" "$prefix/$(basename "$b")"
  [ -n "$owner" ] && chown "$owner" "$prefix/$(basename "$b")"
  echo "installed $prefix/$(basename "$b")"
done
