#!/usr/bin/env bash
# Debian packages used by the integration tests and the benchmark (real NRPE, Nagios Core 4,
# Icinga 2, gearmand, check_procs, check_logfiles, mawk, hyperfine, and the packaging tools; logrotate,
# faketime, sqlite3, openssl and jq as independent tools the tests run; wabt, whose wat2wasm checks the
# WebAssembly kernels' text against their shipped bytes). Needs root; does nothing for packages already installed.
set -euo pipefail
pkgs=(nagios-nrpe-server nagios-nrpe-plugin nagios4 monitoring-plugins-basic monitoring-plugins-check-logfiles hyperfine binutils time
      mawk dpkg-dev rpm lintian man-db icinga2 gearman-job-server gearman-tools logrotate faketime sqlite3 openssl jq prometheus prometheus-node-exporter wabt)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "run as root to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# the Debian packages start daemons; the tests start their own private instances instead
for svc in nagios-nrpe-server nagios4 icinga2 gearman-job-server prometheus prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1; then systemctl stop "$svc" >/dev/null 2>&1 || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done
