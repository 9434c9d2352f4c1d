#!/usr/bin/env bash
# Bad input to the programs: every binary has --help (exit 0); bad options,
# bad config values and missing files give a clear error that names the
# input, and a non-zero exit, never a crash.
. "$(dirname "$0")/../lib/common.sh"

EAL=(--no-huge --no-pci -l 0 -m 128 --file-prefix "$T_PREFIX" --vdev net_null0)

printf '[port]\nip = 10.0.0.1\n\nmtu = 90000\n' > "$T_DIR/bad.conf"
printf '[dataplane]\ncatalog = nosuch.conf\n' > "$T_DIR/nocat.conf"
printf '[ecg]\nid = 1\nvtype = f32\ndim = 1\nmode = sometimes\n' > "$T_DIR/badcat.conf"
printf '[dataplane]\ncatalog = badcat.conf\n' > "$T_DIR/usecat.conf"

t_expect "dp --help" 0 "usage: senseplane-dp" "$DP" "${EAL[@]}" -- --help
t_expect "dp --help-config" 0 "heartbeat_ms" "$DP" "${EAL[@]}" -- --help-config
t_expect "dp bad value" 2 "$T_DIR/bad.conf:4: key 'port.mtu' value '90000'" \
    "$DP" "${EAL[@]}" -- -c "$T_DIR/bad.conf"
t_expect "dp bad --set" 2 "feed.port" "$DP" "${EAL[@]}" -- --set feed.port=0
t_expect "dp unknown key" 2 "unknown key 'feed.colour'" \
    "$DP" "${EAL[@]}" -- --set feed.colour=red
t_expect "dp missing catalogue" 1 "nosuch.conf: cannot open" \
    "$DP" "${EAL[@]}" -- -c "$T_DIR/nocat.conf"
t_expect "dp bad catalogue" 1 "badcat.conf:5" "$DP" "${EAL[@]}" -- -c "$T_DIR/usecat.conf"
t_expect "dp no port" 1 "no DPDK port" "$DP" --no-huge --no-pci -l 0 -m 128 \
    --file-prefix "$T_PREFIX" --
# the dataplane's own help needs no EAL, hugepages or port (issue 10, 12)
t_expect "dp -- --help without EAL options" 0 "usage: senseplane-dp" "$DP" -- --help
t_expect "dp --help alone: ours, not EAL's" 0 "routes every sample by" "$DP" --help
t_expect "dp --help names EAL options" 0 "EAL options (before --)" "$DP" --help
t_expect "dp -- --help-config without EAL" 0 "heartbeat_ms" "$DP" -- --help-config
t_check "dp --help-config: bounds as integers" \
    "$("$DP" -- --help-config | grep -c 'max_sensors.*\[16\.\.16777216\]')" 1
t_check "dp --help-config: no exponent notation" "$("$DP" -- --help-config | grep -c 'e+0')" 0
t_expect "dp feed.group must be multicast" 2 "not a multicast group" \
    "$DP" -- --set feed.group=10.0.0.1 --print-config
t_expect "dp tier_group must be multicast" 2 "'attention.tier_group' value '10.0.0.1': not a multicast" \
    "$DP" -- --set attention.tier_group=10.0.0.1 --print-config
t_expect "dp print-config" 0 "group = 239.77.0.1" "$DP" "${EAL[@]}" -- --print-config
t_expect "sim --help" 0 "usage: senseplane-sim" "$SIM" --help
t_expect "sim bad rate" 2 "--rate 'fast'" "$SIM" --rate fast
t_expect "sim bad dest" 2 "--dest '10.0.0'" "$SIM" --dest 10.0.0 --count 1
t_expect "sim unknown attr" 2 "'pressure' is not in the catalogue" \
    "$SIM" --attrs ecg,pressure --count 1
t_expect "sim pcap needs a bound" 2 "needs --count or --seconds" "$SIM" --pcap "$T_DIR/x.pcap"
t_expect "view --help" 0 "usage: senseplane-view" "$VIEW" --help
t_expect "view bad feed" 2 "expected GROUP:PORT" "$VIEW" 239.1.1.1
t_expect "view no feed" 2 "at least one" "$VIEW"
t_expect "view missing pcap" 1 "nosuch.pcap" "$VIEW" --pcap "$T_DIR/nosuch.pcap"
# issue 10, item 15
t_expect "view --iface-addr not on this host" 1 "no interface of this host has the address 1.2.3.4" \
    "$VIEW" --iface-addr 1.2.3.4 --seconds 1 239.1.2.3:7999
# the port is held before ctld starts: the listener says so in a file (a
# fixed 0.3 s was not always enough for python to start under load, and
# ctld took the port itself)
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 17931)); s.listen(); open(sys.argv[1], "w").close(); time.sleep(10)' \
    "$T_DIR/held" &
T_PIDS+=("$!")
for i in $(seq 100); do [ -e "$T_DIR/held" ] && break; sleep 0.1; done
t_expect "ctld api port in use: says why" 1 "127.0.0.1:17931: cannot listen: Address already in use" \
    timeout 5 "$T_BUILD/controlplane/senseplane-ctld" --set controlplane.api=127.0.0.1:17931 \
    --redis redis://127.0.0.1:1 --socket "$T_DIR/nosuch.sock"
# every document the README links and the bench's --help cites is there
# (issue 10, item 16)
t_check "README's links all resolve" "$(cd "$T_ROOT" && grep -o '](\([^)#]*\))' README.md |
    sed 's/^](//; s/)$//' | grep -v '^http' | while read -r f; do [ -e "$f" ] || echo "$f"; done | wc -l)" 0
doc=$("$T_BUILD/tools/bench/senseplane-bench" --help | grep -o 'tools/bench/[A-Z]*\.md' | head -1)
t_check "senseplane-bench --help cites a document that exists" "$([ -n "$doc" ] && [ -f "$T_ROOT/$doc" ] && echo yes)" yes
t_check "no file named '--' in the repository" "$(git -C "$T_ROOT" ls-files -- ':(literal)--' | wc -l)" 0
t_done
