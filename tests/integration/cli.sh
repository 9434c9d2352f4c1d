#!/usr/bin/env bash
# The senseplane CLI against a running dataplane (on net_null): every
# subcommand answers, --json is valid JSON with what the text form shows,
# and the exit codes tell done (0), refused (1), usage (2), no dataplane (3).
. "$(dirname "$0")/../lib/common.sh"

SOCK=$T_DIR/dp.sock
CLI="$T_BUILD/controlplane/senseplane"
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev net_null0 -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"

run() {   # run EXPECTED_EXIT ARGS...: the exit code and output kept
    local want=$1 rc=0; shift
    "$CLI" --socket "$SOCK" "$@" > "$T_DIR/out" 2> "$T_DIR/err" || rc=$?
    t_check "senseplane $* (exit)" "$rc" "$want"
}
json() { t_json "$T_DIR/out" "$1"; }

run 0 status
t_check "status names the dataplane" "$(grep -c 'senseplane-dp' "$T_DIR/out")" 1
run 0 viewer add wall 239.79.1.1:7601 high
t_check "viewer add reports the lens" "$(grep -c 'lens feed' "$T_DIR/out")" 1
run 1 viewer add wall 239.79.1.1:7601 high
t_check "duplicate viewer: reason given" "$(grep -c "exists" "$T_DIR/err")" 1
run 1 viewer add uni 10.1.1.1:7601
run 0 viewer add desk 239.79.1.2:7602 low
run 0 sub add wall 42/ecg --ttl 60000
run 0 sub add desk 42 medium
run 0 --json sub ls
t_check "sub ls --json: two subscriptions" \
    "$(json subs.#)" 2
t_check "sub ls --json: ttl counts down" \
    "$(python3 -c 'import json,sys; s=[x for x in json.load(open(sys.argv[1]))["subs"] if x["viewer"]=="wall"][0]; print(0 < s["ttl_ms"] <= 60000)' "$T_DIR/out")" True
run 0 viewer ls --json
t_check "viewer ls --json: level of desk" \
    "$(t_eval "$T_DIR/out" '[v["level"] for v in d["viewers"] if v["name"]=="desk"][0]')" low
run 0 pin 7
run 1 pin 7
run 0 --json pins
t_check "pins --json" "$(json pins.0)" 7
run 0 unpin 7
run 1 unpin 7
run 0 --json attention 42
t_check "attention of a sensor not seen yet" "$(json attention.seen)" false
run 1 history 42/ecg last 10
t_check "history of an unknown sensor: reason" "$(grep -c "not known" "$T_DIR/err")" 1
run 0 sensors
run 0 --json flags
t_check "flags: attention on" "$(json flags.attention)" true
run 0 flags set backfill off
run 0 --json flags
t_check "flags set backfill off" "$(json flags.backfill)" false
run 2 flags set turbo on
run 0 feeds
t_check "feeds lists the tiers" "$(grep -c tier "$T_DIR/out")" 3
run 0 --json feeds
t_check "feeds: sensor 42's two subscriptions share one feed, listed once" \
    "$(t_eval "$T_DIR/out" 'sum(1 for f in d["feeds"] if f["kind"] == "sensor")')" 1
t_check "help: the protocol's 19 requests, from the one table" \
    "$(python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" help | t_eval - 'len(d["requests"])')" 19
run 0 --json stats
t_check "stats --json: two viewers" "$(json viewers.#)" 2
run 0 stats
run 0 top --count 2 --interval 100
t_check "top prints the tiers" "$(grep -c '^high' "$T_DIR/out")" 2
run 1 sub rm wall 42
run 0 sub rm wall 42/ecg
run 0 viewer rm desk
run 2 frobnicate
run 2 sub
rc=0; "$CLI" --socket "$T_DIR/nosuch.sock" status > /dev/null 2> "$T_DIR/err" || rc=$?
t_check "no dataplane: exit 3" "$rc" 3
t_check "no dataplane: names the socket" "$(grep -c nosuch.sock "$T_DIR/err")" 1
# usage errors need no dataplane (issue 10, item 5)
nods() {   # nods EXPECTED_EXIT PATTERN ARGS...: against no dataplane
    local want=$1 pat=$2 rc=0; shift 2
    "$CLI" --socket "$T_DIR/nosuch.sock" "$@" > "$T_DIR/out" 2>&1 || rc=$?
    t_check "no dataplane: senseplane $* (exit)" "$rc" "$want"
    t_check "no dataplane: senseplane $* says" "$(grep -c -- "$pat" "$T_DIR/out")" 1
}
nods 2 "unknown request 'frobnicate'" frobnicate
nods 0 "^usage: senseplane" help
t_check "help lists the CLI's commands, not the socket's" "$(grep -c 'ttl=MS' "$T_DIR/out")" 0
nods 2 "--interval 'abc': expected a whole number" top --interval abc
nods 2 "usage: history" history 42/ecg last 0
nods 2 "1 to 31 characters" viewer add "$(printf 'x%.0s' $(seq 1 40))" 239.1.1.1:7000
nods 2 "expected low, medium, high" sub add v1 42 loud
run 0 top --count 2 --interval 100 --json
t_check "top --json: one JSON line per frame" \
    "$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if "tiers" in json.loads(l)))' "$T_DIR/out")" 2
run 2 sub add wall 42/nosuchattr
t_check "the dataplane's refusal code: usage" "$("$CLI" --socket "$SOCK" --json sub add wall 42/nosuchattr | t_eval - 'd["code"]')" usage
run 1 viewer rm nosuchviewer
# clients that close before their answer: the dataplane must not die of
# SIGPIPE (found by tests/system/dp_stall.sh)
python3 - "$SOCK" <<'PY'
import socket, sys
for _ in range(50):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
    s.sendall(b"stats\nsensors 20000\n"); s.close()
PY
sleep 0.3
run 0 status
t_check "alive after 50 clients closed before their answers" "$(kill -0 "$DPPID" && echo yes)" yes
rc=0; "$CLI" --help > "$T_DIR/out" || rc=$?
t_check "--help" "$rc:$(grep -c '^usage: senseplane' "$T_DIR/out")" 0:1
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
