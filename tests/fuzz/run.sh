#!/usr/bin/env bash
# Build the libFuzzer targets with clang in build-fuzz/ and run each for
# the given seconds (default 60 for the sensor parser, a quarter of it for
# the feed decoders) from a seed corpus of simulator and dataplane packets.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
BF=$ROOT/build-fuzz
BUILD=${SP_BUILD:-$ROOT/build}
WORK=$(mktemp -d /tmp/sp-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ ! -f "$BF/build.ninja" ]; then
    CC=clang meson setup "$BF" "$ROOT" -Dfuzz=true -Dtests=false -Db_lto=false >/dev/null
fi
ninja -C "$BF" tests/fuzz/fuzz_sensor tests/fuzz/fuzz_feed >/dev/null

for i in $(seq 1 20); do printf '%d %032x\n' "$i" "$i"; done > "$WORK/keys"
"$BUILD/tools/sim/senseplane-sim" --pcap "$WORK/s.pcap" --count 400 \
    --bad 0.4 --keys "$WORK/keys" --sensors 50 --quiet
python3 "$ROOT/tests/fuzz/seeds.py" "$WORK/s.pcap" "$WORK/sensor" 400
# feed packets: the simulator's traffic through the pcap test's path is not
# needed; a few hand-made feed packets come from the unit-test shapes
python3 - "$WORK/feed" <<'PY'
import os, struct, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
rec = struct.pack(">HBBHHQI", 1, 1, 1, 2, 0, 1000, 5) + struct.pack(">ff", 1, 2)
msg = struct.pack(">HBBQI", 14 + len(rec), 1, 0, 7, 2) + rec
hdr = lambda n, fl: struct.pack(">HBBHHQQQ", 0x5356, 1, fl, 3, n, 9, 1, 0)
open(d + "/one", "wb").write(hdr(1, 0) + msg)
open(d + "/two", "wb").write(hdr(2, 1) + msg + msg)
open(d + "/hb", "wb").write(hdr(0, 4))
open(d + "/rereq", "wb").write(struct.pack(">HBBHHQQ", 0x5352, 1, 0, 3, 10, 9, 1))
open(d + "/hint", "wb").write(struct.pack(">HBBIQ", 0x5348, 1, 2, 50, 7))
PY

status=0
run() {
    local name=$1 secs=$2 corpus=$3
    echo "== $name for $secs s"
    if "$BF/tests/fuzz/$name" -max_total_time="$secs" -max_len=4096 \
        -print_final_stats=1 "$corpus" >"$WORK/$name.log" 2>&1; then
        grep -E "stat::number_of_executed_units|cov:" "$WORK/$name.log" | tail -2
        echo "   $name: no crash"
    else
        tail -30 "$WORK/$name.log"; status=1
    fi
}
run fuzz_sensor "$SECS" "$WORK/sensor"
run fuzz_feed "$((SECS / 4 > 5 ? SECS / 4 : 5))" "$WORK/feed"
exit $status
