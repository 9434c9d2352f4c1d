#!/usr/bin/env bash
# Bad input to the programs: every binary has --help (exit 0); bad options,
# bad config values and missing files give a clear error that names the
# input, and a non-zero exit, never a crash.
. "$(dirname "$0")/../lib/common.sh"

EAL=(--no-huge --no-pci -l 0 -m 128 --file-prefix "$T_PREFIX" --vdev net_null0)

# expect NAME EXIT_CODE PATTERN COMMAND...
expect() {
    local name=$1 code=$2 pat=$3 rc=0; shift 3
    "$@" > "$T_DIR/out" 2>&1 || rc=$?
    t_check "$name: exit code" "$rc" "$code"
    if grep -q -- "$pat" "$T_DIR/out"; then
        printf '  ok   %s: says "%s"\n' "$name" "$pat"
    else
        printf '  FAIL %s: output lacks "%s":\n' "$name" "$pat"; head -5 "$T_DIR/out"
        T_FAILS=$((T_FAILS + 1))
    fi
}

printf '[port]\nip = 10.0.0.1\n\nmtu = 90000\n' > "$T_DIR/bad.conf"
printf '[dataplane]\ncatalog = nosuch.conf\n' > "$T_DIR/nocat.conf"
printf '[ecg]\nid = 1\nvtype = f32\ndim = 1\nmode = sometimes\n' > "$T_DIR/badcat.conf"
printf '[dataplane]\ncatalog = badcat.conf\n' > "$T_DIR/usecat.conf"

expect "dp --help" 0 "usage: senseplane-dp" "$DP" "${EAL[@]}" -- --help
expect "dp --help-config" 0 "heartbeat_ms" "$DP" "${EAL[@]}" -- --help-config
expect "dp bad value" 2 "$T_DIR/bad.conf:4: key 'port.mtu' value '90000'" \
    "$DP" "${EAL[@]}" -- -c "$T_DIR/bad.conf"
expect "dp bad --set" 2 "feed.port" "$DP" "${EAL[@]}" -- --set feed.port=0
expect "dp unknown key" 2 "unknown key 'feed.colour'" \
    "$DP" "${EAL[@]}" -- --set feed.colour=red
expect "dp missing catalogue" 1 "nosuch.conf: cannot open" \
    "$DP" "${EAL[@]}" -- -c "$T_DIR/nocat.conf"
expect "dp bad catalogue" 1 "badcat.conf:5" "$DP" "${EAL[@]}" -- -c "$T_DIR/usecat.conf"
expect "dp no port" 1 "no DPDK port" "$DP" --no-huge --no-pci -l 0 -m 128 \
    --file-prefix "$T_PREFIX" --
expect "dp print-config" 0 "group = 239.77.0.1" "$DP" "${EAL[@]}" -- --print-config
expect "sim --help" 0 "usage: senseplane-sim" "$SIM" --help
expect "sim bad rate" 2 "--rate 'fast'" "$SIM" --rate fast
expect "sim bad dest" 2 "--dest '10.0.0'" "$SIM" --dest 10.0.0 --count 1
expect "sim unknown attr" 2 "'pressure' is not in the catalogue" \
    "$SIM" --attrs ecg,pressure --count 1
expect "sim pcap needs a bound" 2 "needs --count or --seconds" "$SIM" --pcap "$T_DIR/x.pcap"
expect "view --help" 0 "usage: senseplane-view" "$VIEW" --help
expect "view bad feed" 2 "expected GROUP:PORT" "$VIEW" 239.1.1.1
expect "view no feed" 2 "at least one" "$VIEW"
expect "view missing pcap" 1 "nosuch.pcap" "$VIEW" --pcap "$T_DIR/nosuch.pcap"
t_done
