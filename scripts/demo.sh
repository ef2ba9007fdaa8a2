#!/usr/bin/env bash
# Runs every plugin on the bundled example data (examples/data), twice, as a scheduler would.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=dist/bin
[ -x "$bin/check_delayed_dump" ] || { echo "run npm run build first" >&2; exit 1; }
unset NODE_EXTRA_CA_CERTS NODE_OPTIONS
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
d=examples/data
run() { echo "\$ $*"; "$@" --state-dir "$state"; echo "(exit $?)"; echo; }
run $bin/check_delayed_dump -f $d/delayed-messages.dump -c messages=1000 -c age=1800
run $bin/check_broker_command_timeouts -f $d/brokerd.log --from-start
run $bin/check_um_naks -f $d/lbmmon.log --stale-log 1000d
run $bin/check_um_event_queue -f $d/lbmmon.log --message-size 200 --stale-log 1000d
echo "\$ $bin/handle_delayed_dump --dry-run ..."
$bin/handle_delayed_dump --service-state CRITICAL --state-type HARD -f $d/delayed-messages.dump --dry-run --log /dev/null
