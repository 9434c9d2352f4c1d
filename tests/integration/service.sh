#!/usr/bin/env bash
# Running as a service (issue 14):
#  1. meson install puts the systemd units, the sysusers file, the man
#     pages and the bash completion where they belong; systemd-analyze
#     verify accepts the units (instances of the templates);
#  2. sd_notify: under a NOTIFY_SOCKET with a watchdog, the dataplane and
#     the daemon say READY=1 once they serve, ping WATCHDOG=1 at half the
#     interval, and say STOPPING=1 on SIGTERM;
#  3. every man page renders, with its name and the options of --help;
#  4. the CLI's completion offers its requests and their words.
. "$(dirname "$0")/../lib/common.sh"

D=$T_DIR/dest
meson install -C "$T_BUILD" --destdir "$D" --quiet > "$T_DIR/install.log" 2>&1
PFX=$(meson introspect "$T_BUILD" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
U=$D$PFX/lib/systemd/system
for f in senseplane-dp@.service senseplane-ctld@.service senseplane-web@.service senseplane-record@.service senseplane-hugepages.service; do
    t_check "1: unit $f installed" "$(test -f "$U/$f" && echo yes || echo no)" yes
done
t_check "1: sysusers file installed" "$(test -f "$D$PFX/lib/sysusers.d/senseplane.conf" && echo yes || echo no)" yes
# verify instances; their ExecStart names the installed binaries, so the
# units are verified against the build's own install (build/stage)
mkdir -p "$T_DIR/units"
cp "$U/senseplane-dp@.service" "$T_DIR/units/senseplane-dp@test.service"
cp "$U/senseplane-ctld@.service" "$T_DIR/units/senseplane-ctld@test.service"
cp "$U/senseplane-web@.service" "$T_DIR/units/senseplane-web@test.service"
cp "$U/senseplane-record@.service" "$T_DIR/units/senseplane-record@test.service"
cp "$U/senseplane-hugepages.service" "$T_DIR/units/"
(cd "$T_DIR/units" && MANPATH=$D$PFX/share/man systemd-analyze verify --man=no \
    ./senseplane-dp@test.service ./senseplane-ctld@test.service \
    ./senseplane-web@test.service ./senseplane-record@test.service \
    ./senseplane-hugepages.service) > "$T_DIR/verify.txt" 2>&1 && V=ok || V="failed: $(head -3 "$T_DIR/verify.txt")"
t_check "1: systemd-analyze verify" "$V" ok

# ---- 2
python3 - "$T_DIR/notify.sock" > "$T_DIR/notify.txt" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(0.5)
t0, end = time.monotonic(), time.monotonic() + 12
while time.monotonic() < end:
    try:
        d = s.recv(4096).decode()
    except socket.timeout:
        continue
    for line in d.split("\n"):
        print("%.3f %s" % (time.monotonic() - t0, line), flush=True)
PY
NPID=$!; T_PIDS+=("$NPID")
sleep 0.3
t_veth_setup svc
NOTIFY_SOCKET=$T_DIR/notify.sock WATCHDOG_USEC=400000 \
    t_start_dp --no-huge --no-pci -l 0 -m 512 --vdev "net_af_packet0,iface=$DPIF" \
    -- --set dataplane.history_mb=8 --set "control.socket=$SOCK"
t_redis redis 6398
NOTIFY_SOCKET=$T_DIR/notify.sock WATCHDOG_USEC=400000 "$CTLD" --node svc \
    --redis redis://127.0.0.1:6398/0 --socket "$SOCK" --set controlplane.api=127.0.0.1:7481 \
    --set controlplane.metrics= > "$T_DIR/ctld.log" 2>&1 &
CPID=$!; T_PIDS+=("$CPID")
t_wait_for "$T_DIR/ctld.log" "Redis up" 10
sleep 2
kill -TERM "$CPID"; wait "$CPID" || true
t_stop "$DPPID" 20 || true
sleep 0.6
kill "$NPID" 2>/dev/null || true
t_check "2: READY=1 from both" "$(grep -c ' READY=1$' "$T_DIR/notify.txt")" 2
t_check "2: STOPPING=1 from both" "$(grep -c ' STOPPING=1$' "$T_DIR/notify.txt")" 2
t_check "2: watchdog pinged (>= 8 in about 2 s at 0.2 s)" \
    "$(t_true "$(grep -c ' WATCHDOG=1$' "$T_DIR/notify.txt") >= 8")" yes
t_check "2: the ready lines carry a STATUS" "$(grep -c ' STATUS=' "$T_DIR/notify.txt" | awk '{print ($1 >= 2)}')" 1

# ---- 3
M=$D$PFX/share/man
for page in man8/senseplane-dp.8 man8/senseplane-ctld.8 man1/senseplane.1 \
            man1/senseplane-sim.1 man1/senseplane-view.1 man1/senseplane-bench.1 \
            man1/senseplane-web.1 \
            man5/senseplane.conf.5; do
    t_check "3: $page renders with its NAME" \
        "$(MANWIDTH=100 man -l "$M/$page" 2>/dev/null | grep -c '^NAME')" 1
done
t_check "3: senseplane(1) has the --redis and --token-file options of --help" \
    "$(MANWIDTH=200 man -l "$M/man1/senseplane.1" 2>/dev/null | grep -c -- '--redis URL\|--token-file F')" \
    "$("$CLI" --help | grep -c -- '--redis URL\|--token-file F')"
for sec in dataplane port feed attention switches reliability security limits controlplane control; do
    t_check "3: senseplane.conf(5) has [$sec]" \
        "$(MANWIDTH=200 man -l "$M/man5/senseplane.conf.5" 2>/dev/null | grep -c "^ *\[$sec\]")" 1
done

# ---- 4
C=$D$PFX/share/bash-completion/completions/senseplane
t_check "4: completion installed" "$(test -f "$C" && echo yes || echo no)" yes
t_check "4: completion words" "$(bash -c '. "$1"
c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _senseplane; echo "${COMPREPLY[*]}"; }
echo "$(c senseplane vi)|$(c senseplane viewer "")|$(c senseplane --json keys "")|$(c senseplane flags set hints "")"' _ "$C")" \
    "viewer|add rm ls|reload|on off"
t_done
