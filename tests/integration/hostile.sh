#!/usr/bin/env bash
# Hostile sensors (issue 13), sent by tests/lib/hostile.py, a sender
# written from PROTOCOL.md alone (its own SipHash-2-4):
#  1. replay: 10 000 recorded MAC'd packets replayed, and 1 000 repeats of
#     fresh ones, while the sensor is live: none accepted, each counted,
#     the live sensor loses nothing;
#  2. MAC policy by source (require_mac_from), wrong keys, another
#     sensor's key, unsigned packets of a keyed sensor; the source ACL;
#     a sensor bound to its first source;
#  3. key rotation under 10 000 samples/s: the keys file goes from the old
#     key to both (keys reload) to the new one (SIGHUP); nothing is lost,
#     the old key is refused after;
#  4. require_mac for every sensor: unsigned, wrongly signed and other
#     sensors' keys, all dropped and counted;
#  5. the control socket in control.group: a member may use it, another
#     user may not.
. "$(dirname "$0")/../lib/common.sh"

H="python3 $T_ROOT/tests/lib/hostile.py"
K500=000102030405060708090a0b0c0d0e0f
K501=101112131415161718191a1b1c1d1e1f
KOLD=202122232425262728292a2b2c2d2e2f
KNEW=303132333435363738393a3b3c3d3e3f
KRANDOM=99999999999999999999999999999999
t_veth_setup hostile
for a in 3 4 5 6; do ip netns exec "$NS" ip addr add "10.99.0.$a/24" dev "$NSIF"; done
KEYS=$T_DIR/keys
printf '500 %s\n501 %s\n502 %s\n' $K500 $K501 $KOLD > "$KEYS"
RUNDIR=/run/sp-hostile-$$
SOCK=$RUNDIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"
trap 'rm -rf "$RUNDIR"; t_cleanup' EXIT

t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=16 \
    --set "control.socket=$SOCK" --set control.group=nogroup \
    --set "dataplane.keys_file=$KEYS" \
    --set security.require_mac_from=10.99.0.6 \
    --set security.deny=10.99.0.4 --set security.bind_source=true
ip netns exec "$NS" ping -c 1 -W 1 10.99.0.1 > /dev/null
inns() { ip netns exec "$NS" "$@"; }
D=10.99.0.1:7400

# ---- 1. replay
t_log "replay: 10 000 live, 10 000 more live each followed by a recorded one, 1 000 repeated"
inns $H replay $D 500 10000 $K500 --dups 1000 --pps 8000 > "$T_DIR/replay.json"
t_settle "$SOCK"
$CTL stats > "$T_DIR/s1.json"
drop() { t_eval "$1" "d['totals'].get('drop.$2')"; }
t_check "replay: recorded packets older than the window, refused" "$(drop "$T_DIR/s1.json" replay_old)" 10000
t_check "replay: repeats inside the window, refused" "$(drop "$T_DIR/s1.json" replay)" 1000
t_check "replay: the live sensor lost nothing (packets taken)" \
    "$(t_json "$T_DIR/s1.json" totals.sensor_pkts)" 21000
t_check "replay: no gap in its sequence" "$(t_json "$T_DIR/s1.json" totals.seq_gaps)" 0

# ---- 2. MAC policy, ACL, binding
t_log "MAC policy by source, wrong keys, ACL, binding"
inns $H send $D 600 100 --bind 10.99.0.6 > /dev/null                  # unsigned where required
inns $H send $D 601 100 --bind 10.99.0.6 --key $KRANDOM > /dev/null   # signed, no key known
inns $H send $D 602 100 --bind 10.99.0.2 > /dev/null                  # unsigned, allowed here
inns $H send $D 501 100 --key $KRANDOM > /dev/null                    # wrong key
inns $H send $D 501 100 --key $K500 --seq 101 > /dev/null             # another sensor's key
inns $H send $D 501 100 --seq 201 > /dev/null                         # keyed, unsigned
inns $H send $D 501 50 --key $K501 --seq 301 > /dev/null              # right key: taken
inns $H send $D 603 100 --bind 10.99.0.4 > /dev/null                  # denied source
inns $H send $D 602 100 --bind 10.99.0.5 --seq 101 > /dev/null        # bound elsewhere
t_settle "$SOCK"
$CTL stats > "$T_DIR/s2.json"
t_check "require_mac_from: unsigned dropped (mac_missing, with the keyed sensor's 100)" \
    "$(drop "$T_DIR/s2.json" mac_missing)" 200
t_check "require_mac_from: signed by a sensor with no key (mac_no_key)" "$(drop "$T_DIR/s2.json" mac_no_key)" 100
t_check "wrong key and another sensor's key (mac_bad)" "$(drop "$T_DIR/s2.json" mac_bad)" 200
t_check "denied source (acl_deny)" "$(drop "$T_DIR/s2.json" acl_deny)" 100
t_check "sensor bound to its first source (source_bound)" "$(drop "$T_DIR/s2.json" source_bound)" 100
t_check "the rest taken: 21000 + 100 unsigned where allowed + 50 rightly signed" \
    "$(t_json "$T_DIR/s2.json" totals.sensor_pkts)" 21150

# ---- 3. rotation under 10 000 samples/s (1 000 packets/s of 10 samples)
t_log "key rotation: old key, both (keys reload), new key (SIGHUP)"
inns $H rotate $D 502 6 2.5 $KOLD $KNEW --pps 1000 --nsamp 10 > "$T_DIR/rot.json" &
RPID=$!
sleep 1
printf '500 %s\n501 %s\n502 %s %s\n' $K500 $K501 $KNEW $KOLD > "$KEYS"
$CTL "keys reload" > "$T_DIR/reload.json"
t_check "keys reload: answered" "$(t_json "$T_DIR/reload.json" ok)" true
sleep 3.5
printf '500 %s\n501 %s\n502 %s\n' $K500 $K501 $KNEW > "$KEYS"
kill -HUP "$DPPID"
wait $RPID
t_wait_for "$T_DIR/dp.log" "SIGHUP: 3 keys loaded" 5
SAMPLES=$(t_json "$T_DIR/rot.json" samples)
NEXT=$(t_json "$T_DIR/rot.json" next_seq)
t_settle "$SOCK"
$CTL stats > "$T_DIR/s3.json"
t_check "rotation: every sample taken" \
    "$(t_eval "$T_DIR/s3.json" "d['totals']['samples_in'] - $(t_json "$T_DIR/s2.json" totals.samples_in)")" "$SAMPLES"
t_check "rotation: packets signed with the outgoing key were counted" \
    "$(t_true "$(t_json "$T_DIR/s3.json" totals.mac_second_key) > 0")" yes
inns $H send $D 502 100 --key $KOLD --seq "$NEXT" > /dev/null
t_settle "$SOCK"
$CTL keys > "$T_DIR/keys.json"
$CTL stats > "$T_DIR/s4.json"
t_check "rotation over: the old key refused" \
    "$(t_eval "$T_DIR/s4.json" "d['totals']['drop.mac_bad'] - 200")" 100
t_check "keys: two reloads, none failed" \
    "$(t_eval "$T_DIR/keys.json" "(d['reloads'], d['reload_errors'], d['keys'])")" "(2, 0, 3)"

# ---- 5. the control socket
t_check "control socket: mode 0660, group nogroup" "$(stat -c '%a %G' "$SOCK")" "660 nogroup"
t_check "control socket: a member of its group may use it" \
    "$(runuser -u nobody -- /usr/bin/python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" ping > /dev/null 2>&1 && echo yes || echo no)" yes
t_check "control socket: another user may not" \
    "$(runuser -u daemon -- /usr/bin/python3 "$T_ROOT/tests/lib/spctl.py" "$SOCK" ping > /dev/null 2>&1 && echo yes || echo no)" no
t_stop "$DPPID" 20 || true
t_check_mbufs

# ---- 4. require_mac everywhere
t_log "require_mac for every sensor"
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF" -- --set dataplane.history_mb=16 \
    --set "control.socket=$SOCK" --set "dataplane.keys_file=$KEYS" \
    --set security.require_mac=true
inns $H send $D 700 100 > /dev/null                          # keyless, unsigned
inns $H send $D 701 100 --key $KRANDOM > /dev/null           # keyless, signed
inns $H send $D 500 100 --key $KRANDOM > /dev/null           # wrongly signed
inns $H send $D 500 100 --key $K501 --seq 101 > /dev/null    # another sensor's key
inns $H send $D 500 100 --seq 201 > /dev/null                # keyed, unsigned
inns $H send $D 500 100 --key $K500 --seq 301 > /dev/null    # right: taken
t_settle "$SOCK"
$CTL stats > "$T_DIR/s5.json"
t_check "require_mac: unsigned packets dropped" "$(drop "$T_DIR/s5.json" mac_missing)" 200
t_check "require_mac: a sensor with no key" "$(drop "$T_DIR/s5.json" mac_no_key)" 100
t_check "require_mac: wrong key and another sensor's key" "$(drop "$T_DIR/s5.json" mac_bad)" 200
t_check "require_mac: only the rightly signed taken" "$(t_json "$T_DIR/s5.json" totals.sensor_pkts)" 100
t_stop "$DPPID" 20 || true
t_check_mbufs
t_done
