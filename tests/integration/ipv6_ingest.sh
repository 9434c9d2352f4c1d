#!/usr/bin/env bash
# IPv6 ingest (issue 24, its first part): the simulator in a namespace
# sends over IPv6 UDP through a veth to the dataplane on net_af_packet
# ([port] ip6 = fd00:99::1). The namespace's ping of that address needs
# neighbour discovery and echo answered; the dataplane takes exactly the
# sensors, packets and samples sent; a zero UDP checksum, a wrong one, a
# fragment header and a hop-by-hop header are each dropped and counted
# under their own reason; hints asked for over IPv6 go back over IPv6, from
# the address the sensors sent to, and the simulator takes them.
# Then a dataplane without port.ip6 answers on the fe80:: address of its
# MAC.
. "$(dirname "$0")/../lib/common.sh"

t_veth_setup v6
ip netns exec "$NS" ip -6 addr add fd00:99::2/64 dev "$NSIF" nodad
# A veth leaves the UDP checksum to an offload that never comes (the
# frame carries the pseudo-header's sum only), and af_packet hands that
# frame to DPDK without saying so: over IPv6, where the checksum is
# checked, every datagram of the simulator would be udp6_csum. A real NIC
# puts the whole sum on the wire; here the kernel computes it.
ip netns exec "$NS" ethtool -K "$NSIF" tx off > /dev/null
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=16 \
    --set port.ip6=fd00:99::1 --set "control.socket=$SOCK"

# neighbour solicitation answered first, or the pings are lost to it
ok=0; t_until 20 ip netns exec "$NS" ping -6 -c 1 -W 1 fd00:99::1 || ok=1
t_check "the dataplane's IPv6 address answers (NS/NA, echo)" "$ok" 0
ok=0; ip netns exec "$NS" ping -6 -c 3 -W 2 fd00:99::1 > /dev/null || ok=1
t_check "ping -6 -c 3 answered" "$ok" 0
ok=0; ip netns exec "$NS" ping -c 1 -W 2 10.99.0.1 > /dev/null || ok=1
t_check "IPv4 ping beside it" "$ok" 0

t_log "simulating 200 sensors for 3 s over IPv6"
ip netns exec "$NS" "$SIM" --dest "[fd00:99::1]:7400" --sensors 200 \
    --seconds 3 --hint --quiet --summary "$T_DIR/sim.json"
# hand-made frames: 5 good ones (the checksum as the test computes it),
# then 5 of each drop
R6="python3 $T_ROOT/tests/lib/sensor.py raw6 $NSIF fd00:99::2 fd00:99::1"
ip netns exec "$NS" $R6 900001 3 5 --good-csum
ip netns exec "$NS" $R6 900002 3 5 --zero-csum
ip netns exec "$NS" $R6 900003 3 5 --bad-csum
ip netns exec "$NS" $R6 900004 3 5 --frag
ip netns exec "$NS" $R6 900005 3 5 --hbh
t_settle "$SOCK"
$CTL stats > "$T_DIR/stats.json"
$CTL sensors > "$T_DIR/sensors.json"
KD=$(t_kernel_drops "$SOCK")
t_stop "$DPPID" 20 || true

tot() { t_eval "$T_DIR/stats.json" "d['totals'].get('$1', 0)"; }
t_check "simulator send errors" "$(t_json "$T_DIR/sim.json" send_errors)" 0
t_log "packets the kernel dropped before the dataplane: $KD"
if [ "$KD" -eq 0 ]; then
    t_check "sensors taken" "$(tot sensors)" 201
    t_check "sensor packets taken = sent" "$(tot sensor_pkts)" \
        "$(( $(t_json "$T_DIR/sim.json" valid_packets) + 5 ))"
    t_check "samples taken = sent" "$(tot samples_in)" \
        "$(( $(t_json "$T_DIR/sim.json" samples) + 5 ))"
else
    t_check "sensor packets taken + kernel drops = sent" \
        "$(( $(tot sensor_pkts) + KD ))" \
        "$(( $(t_json "$T_DIR/sim.json" valid_packets) + 5 ))"
fi
t_check "zero UDP checksum: udp6_csum_zero" "$(tot drop.udp6_csum_zero)" 5
t_check "wrong UDP checksum: udp6_csum" "$(tot drop.udp6_csum)" 5
t_check "fragment header: ip6_frag" "$(tot drop.ip6_frag)" 5
t_check "hop-by-hop header: ip6_hbh" "$(tot drop.ip6_hbh)" 5
t_check "no other drop" "$(tot drops)" 20
t_check "echo requests answered (at least the 4 pings)" \
    "$(t_true "$(tot icmp6_replies) >= 4")" yes
t_check "neighbour solicitations answered" "$(t_true "$(tot nd_replies) > 0")" yes
t_check "hints asked over IPv6: sent, none skipped" \
    "$(t_true "$(tot hints) > 0 and $(tot hints_v6_skipped) == 0")" yes
t_check "the simulator took them (its connected sockets: from [fd00:99::1]:7400, a good checksum)" \
    "$(t_true "$(t_json "$T_DIR/sim.json" hints) > 0 and $(t_json "$T_DIR/sim.json" hints_bad) == 0")" yes
t_check "sensors' sources written [fd00:99::2]:port" \
    "$(t_eval "$T_DIR/sensors.json" \
        'all(s["src"].startswith("[fd00:99::2]:") for s in d["sensors"])')" True
t_check_mbufs

# no port.ip6: the link-local address from the port's MAC (af_packet
# takes the interface's), modified EUI-64
LL=$(python3 - "$(cat "/sys/class/net/$DPIF/address")" <<'PY'
import ipaddress, sys
b = bytes.fromhex(sys.argv[1].replace(":", ""))
iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))
PY
)
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=8 \
    --set "control.socket=$SOCK"
ok=0; t_until 20 ip netns exec "$NS" ping -6 -c 1 -W 1 "$LL%$NSIF" || ok=1
t_check "no port.ip6: $LL answers" "$ok" 0
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
