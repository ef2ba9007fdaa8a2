#!/usr/bin/env bash
# Behaviour before and after a refactor: builds REV (default HEAD~1) in a temporary worktree, runs
# the same matrix of commands with its executable and with this checkout's dist/bin (the demo's
# data and the real captures, each twice against fresh state: a first and an incremental run;
# --help of every program), and diffs stdout and exit codes. Times that depend on the moment of
# the run ("(0s)", "08:34") are masked.
#   bash scripts/compare-outputs.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-HEAD~1}"
real="${MSGWATCH_REAL_CAPTURES:-$(cd .. && pwd)/shared/real}"
tmp="$(mktemp -d)"
trap 'git worktree remove --force "$tmp/old" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/old" "$rev"
ln -s "$PWD/node_modules" "$tmp/old/node_modules"
(cd "$tmp/old" && npm run -s build >/dev/null)
data="$tmp/data"
mkdir -p "$data"
cp examples/data/* "$data/"
runs=(
  "check_delayed_dump -f $data/delayed-messages.dump"
  "check_broker_command_timeouts -f $data/brokerd.log --from-start --stale-log 0"
  "check_um_naks -f $data/lbmmon.log --stale-log 0"
  "check_um_event_queue -f $data/lbmmon.log --stale-log 0"
  "check_um_naks -f $real/lbmmon/um_troubleshoot-lbmmon.log --stale-log 0 -v"
  "check_um_naks -f $real/lbmmon/mon_demo-lbmmon.log --stale-log 0 -v"
  "check_um_event_queue -f $real/lbmmon/mcs_demo-java-lbmmon.log --stale-log 0"
  "check_um_naks -f $real/lbmmon/mcs_demo-java-lbmmon.log --stale-log 0 --output-format json"
  "check_broker_command_timeouts -f $real/derived/seed002-doc-examples-unwrapped.log --from-start --stale-log 0"
  "check_delayed_dump -f $data/none.dump --missing unknown"
  "check_um_naks -w bogus=1"
  "handle_delayed_dump --service-state OK --state-type HARD --attempt 1 -f $data/delayed-messages.dump"
)
for p in check_delayed_dump check_broker_command_timeouts check_um_naks check_um_event_queue handle_delayed_dump; do runs+=("$p --help"); done
mask() { sed -E "s/'age'=[0-9]+s/'age'=Ns/g" | sed -E 's/[0-9]{2}:[0-9]{2}(:[0-9]{2})?/HH:MM/g; s/\(([0-9]+)s\)/(Ns)/g; s/ [0-9]{4}-[0-9]{2}-[0-9]{2} / DATE /g'; }
status=0
for side in old new; do
  bin=$([ "$side" = old ] && echo "$tmp/old/dist/bin" || echo "$PWD/dist/bin")
  : > "$tmp/$side.out"
  for r in "${runs[@]}"; do
    sd="$tmp/state-$side-$(echo "$r" | md5sum | cut -c1-8)"
    for n in 1 2; do
      # shellcheck disable=SC2086
      set +e; out="$(MSGWATCH_STATE_DIR="$sd" "$bin"/$r 2>&1)"; code=$?; set -e
      printf '### %s (run %s): exit %s\n%s\n' "${r//$tmp/TMP}" "$n" "$code" "${out//$tmp/TMP}" | mask >> "$tmp/$side.out"
    done
  done
done
if diff -u "$tmp/old.out" "$tmp/new.out"; then echo "same output for ${#runs[@]} commands (twice each) at $rev and now"; else status=1; fi
exit $status
