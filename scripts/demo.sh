#!/usr/bin/env bash
# Runs every plugin on the bundled example data (examples/data) as a scheduler would: each check
# twice with the same state, so the second run shows the incremental behaviour (nothing new read,
# the alert window kept), then the event handler in dry-run mode. Builds first when dist/ is
# missing or older than the sources. Exits non-zero when a program gives another state than the
# one this data must give.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=dist/bin
bash scripts/ensure-built.sh || exit 1
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS
state="$(mktemp -d)"
data="$(mktemp -d)"
trap 'rm -rf "$state" "$data"' EXIT
d=examples/data
# A dump's age is its file's modification time on a first run: the checkout's, for the bundled
# one, so the demo once turned CRITICAL half an hour after the clone. It runs on copies whose age
# it sets itself: one 10 minutes old (WARNING: messages waiting), one 2 hours old (CRITICAL: -c age).
cp $d/delayed-messages.dump "$data/delayed-messages.dump"
touch -d '10 minutes ago' "$data/delayed-messages.dump"
cp $d/delayed-messages.dump "$data/aged-messages.dump"
touch -d "2 hours ago" "$data/aged-messages.dump"
failed=0
# expect STATE-OF-RUN-1 STATE-OF-RUN-2 program args...
expect() {
  local want1=$1 want2=$2; shift 2
  for want in "$want1" "$want2"; do
    echo "\$ $* --state-dir \$STATE"
    "$@" --state-dir "$state"; local rc=$?
    echo "(exit $rc, expected $want)"; echo
    [ "$rc" = "$want" ] || { echo "demo: $1 gave exit $rc, expected $want" >&2; failed=1; }
  done
}
expect 1 1 $bin/check_delayed_dump -f "$data/delayed-messages.dump" -c messages=1000 -c age=1800
expect 2 2 $bin/check_delayed_dump -f "$data/aged-messages.dump" -c messages=1000 -c age=1800
expect 2 2 $bin/check_broker_command_timeouts -f $d/brokerd.log --from-start
expect 0 0 $bin/check_um_naks -f $d/lbmmon.log --stale-log 1000d
expect 0 0 $bin/check_um_event_queue -f $d/lbmmon.log --message-size 200 --stale-log 1000d
expect 0 0 $bin/check_um_store -f $d/mcs-daemons.jsonl --stale-log 1000d
expect 0 0 $bin/check_um_dro -f $d/mcs-daemons.jsonl --stale-log 1000d
# The Gearman job server: a private gearmand on a free port when the package is there, with 3
# results waiting and no worker (CRITICAL, as mod_gearman's rule says); without it the check
# meets a closed port (CRITICAL: no server answered). Stopped by its PID.
gport=$((20000 + RANDOM % 20000))
gpid=""
if command -v /usr/sbin/gearmand >/dev/null && command -v gearman >/dev/null; then
  /usr/sbin/gearmand -d -L 127.0.0.1 -p "$gport" -l "$data/gearmand.log" --pid-file "$data/gearmand.pid" && sleep 0.5
  gpid="$(cat "$data/gearmand.pid" 2>/dev/null)"
  for i in 1 2 3; do gearman -h 127.0.0.1 -p "$gport" -b -f check_results "result $i"; done
fi
expect 2 2 $bin/check_gearman_queues -H "127.0.0.1:$gport"
[ -n "$gpid" ] && kill "$gpid"
echo "\$ $bin/handle_delayed_dump --service-state CRITICAL --state-type HARD -f $d/delayed-messages.dump --dry-run --log /dev/null"
$bin/handle_delayed_dump --service-state CRITICAL --state-type HARD -f $d/delayed-messages.dump --dry-run --log /dev/null; rc=$?
echo "(exit $rc, expected 0)"
[ "$rc" = 0 ] || { echo "demo: handle_delayed_dump gave exit $rc, expected 0" >&2; failed=1; }
exit $failed
