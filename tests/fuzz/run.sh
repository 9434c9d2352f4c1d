#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan and UBSan, every library
# instrumented) in build-fuzz/ and run each from a seed corpus:
#   fuzz_sensor  the sensor packet (PROTOCOL.md 1), MAC and require_mac;
#                the frame before it: IPv4, ARP, IPv6, ND and ICMPv6
#                (dp_net.c, dp_net6.c; seeds.py writes the IPv6 seeds)
#   fuzz_feed    feed, re-request and hint packets (2-4)
#   fuzz_ctl     control protocol request lines, the node API's lines
#   fuzz_files   the configuration, the catalogue, the keys file
#   fuzz_redis   Redis event messages, subscription members, Redis URLs
#
#   run.sh [SECONDS]   each target for SECONDS (default 60 for the sensor
#                      parser, a quarter of it, at least 5, for the others)
#   run.sh --long [N [TARGET...]]  each target (or those named) for N
#                      executions (default 10^8): hours; prints a line per
#                      target for the results doc
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LONG=0
TARGETS="fuzz_sensor fuzz_feed fuzz_ctl fuzz_files fuzz_redis"
if [ "${1:-}" = "--long" ]; then
    LONG=1; RUNS=${2:-100000000}; SECS=0
    [ $# -gt 2 ] && { shift 2; TARGETS="$*"; }
else SECS=${1:-60}; fi
# a UBSan report is a finding, as a crash is: its checks recover by
# default, and a report alone would leave the run passing
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
BF=$ROOT/build-fuzz
BUILD=${SP_BUILD:-$ROOT/build}
WORK=$(mktemp -d /tmp/sp-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ ! -f "$BF/build.ninja" ]; then
    CC=clang meson setup "$BF" "$ROOT" -Dfuzz=true -Dtests=false -Db_lto=false >/dev/null
fi
ninja -C "$BF" $(for t in fuzz_sensor fuzz_feed fuzz_ctl fuzz_files fuzz_redis; do echo "tests/fuzz/$t"; done) >/dev/null

for i in $(seq 1 20); do printf '%d %032x\n' "$i" "$i"; done > "$WORK/keys"
"$BUILD/tools/sim/senseplane-sim" --pcap "$WORK/s.pcap" --count 400 \
    --bad 0.4 --keys "$WORK/keys" --sensors 50 --quiet
python3 "$ROOT/tests/fuzz/seeds.py" "$WORK/s.pcap" "$WORK/fuzz_sensor" 400
python3 - "$WORK" "$ROOT" <<'PY'
import os, struct, sys
w, root = sys.argv[1], sys.argv[2]
def put(target, name, data):
    d = os.path.join(w, target); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), "wb").write(data)
# feed packets (PROTOCOL.md 2-4)
rec = struct.pack(">HBBHHQI", 1, 1, 1, 2, 0, 1000, 5) + struct.pack(">ff", 1, 2)
msg = struct.pack(">HBBQI", 14 + len(rec), 1, 0, 7, 2) + rec
hdr = lambda n, fl: struct.pack(">HBBHHQQQ", 0x5356, 1, fl, 3, n, 9, 1, 0)
put("fuzz_feed", "one", hdr(1, 0) + msg)
put("fuzz_feed", "two", hdr(2, 1) + msg + msg)
put("fuzz_feed", "hb", hdr(0, 4))
put("fuzz_feed", "rereq", struct.pack(">HBBHHQQ", 0x5352, 1, 0, 3, 10, 9, 1))
put("fuzz_feed", "hint", struct.pack(">HBBIQ", 0x5348, 1, 2, 50, 7))
# request lines, as the CLI and the node API send them
for i, line in enumerate([
        "ping", "stats", "feeds", "pins", "flags set attention off",
        "viewer add v1 239.1.2.3:7600 medium mac=01:00:5e:01:02:03",
        "viewer rm v1", "viewer ls", "sub add v1 12/ecg high ttl=500",
        "sub rm v1 12", "sub ls v1", "pin 7", "unpin 7", "attention 7/ecg",
        "sensors 100 0", "history 7/ecg last 10", "history 7/1 since 500",
        "history 7/ecg range 1 2", "loss set drop=0.1 dup=0 burst=3 feed=all",
        "keys reload", "whereis 7", "ctld", "auth 0123456789abcdef"]):
    put("fuzz_ctl", "l%02d" % i, line.encode())
# files: byte 0 chooses the loader
put("fuzz_files", "config", b"\0" + open(os.path.join(root, "config/senseplane.conf"), "rb").read())
put("fuzz_files", "catalog", b"\1" + open(os.path.join(root, "config/attributes.conf"), "rb").read())
put("fuzz_files", "keys", b"\2" + open(os.path.join(w, "keys"), "rb").read())
put("fuzz_files", "rotation", b"\2" + b"9 " + b"ab" * 16 + b" " + b"cd" * 16 + b"\n# c\n")
# what the daemon reads from Redis, and URLs
for i, m in enumerate([
        b"S nodeA 1700000000000000000 7:3:r 8:1:m 9:2:g", b"N nodeB 17",
        b"V v1 1700000000000000000", b"U v1 7:1 1700000000000000000",
        b"U v1 7 17", b"P 7 1700000000000000000", b"7:12", b"7",
        b"redis://127.0.0.1:6379/2", b"redis://user:pw@db.local:6380",
        b"unix:///run/redis.sock?db=3", b"sentinel://a:26379,b:26380,c/mymaster"]):
    put("fuzz_redis", "m%02d" % i, m)
PY

# every finding kept as a regression input (tests/fuzz/regress/TARGET/)
for d in "$ROOT"/tests/fuzz/regress/*/; do
    [ -d "$d" ] && mkdir -p "$WORK/$(basename "$d")" && cp "$d"* "$WORK/$(basename "$d")/"
done

status=0
run() {
    local name=$1 corpus=$WORK/$1 limit
    if [ "$LONG" = 1 ]; then limit="-runs=$RUNS"; else
        limit="-max_total_time=$( [ "$name" = fuzz_sensor ] && echo "$SECS" || echo $((SECS / 4 > 5 ? SECS / 4 : 5)))"; fi
    echo "== $name ($limit)"
    local t0=$SECONDS
    if "$BF/tests/fuzz/$name" $limit -max_len=4096 -print_final_stats=1 \
        "$corpus" >"$WORK/$name.log" 2>&1; then
        local execs cov
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$name.log")
        cov=$(grep -o 'cov: [0-9]*' "$WORK/$name.log" | tail -1)
        echo "   $name: $execs executions, $cov, $((SECONDS - t0)) s, no crash, no leak"
    else
        tail -30 "$WORK/$name.log"; status=1
    fi
}
for t in $TARGETS; do run "$t"; done
exit $status
