#!/usr/bin/env bash
# Builds dist/ when it is missing or older than the sources (npm test and npm run demo call it,
# so a fresh clone needs no separate build step).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=dist/bin/check_delayed_dump
if [ ! -x "$bin" ] || [ -n "$(find src scripts/build.mjs package.json -newer "$bin" -print -quit)" ]; then
  echo "dist/ is missing or older than the sources: npm run build" >&2
  npm run build >&2
fi
