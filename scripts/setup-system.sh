#!/usr/bin/env bash
# Debian packages used by the integration tests and the benchmark (real NRPE, Nagios Core 4,
# check_logfiles, hyperfine). Needs root; does nothing for packages already installed.
set -euo pipefail
pkgs=(nagios-nrpe-server nagios-nrpe-plugin nagios4 monitoring-plugins-check-logfiles hyperfine binutils time)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "run as root to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# the Debian packages start daemons; the tests start their own private instances instead
for svc in nagios-nrpe-server nagios4; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done
