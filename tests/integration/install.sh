#!/usr/bin/env bash
# An installed senseplane (issue 10, item 3): `meson install` into a
# temporary DESTDIR puts the binaries and the configuration under the
# prefix, the compiled-in defaults point at PREFIX/etc/senseplane (never at
# the source tree), and the installed programs run from there with no -c
# and no --catalog. The tree is moved to its prefix as a package manager
# unpacking the DESTDIR would.
. "$(dirname "$0")/../lib/common.sh"

PREFIX=$T_DIR/prefix
B=$T_DIR/build
t_log "meson setup --prefix $PREFIX; ninja; DESTDIR install"
meson setup "$B" "$T_ROOT" --prefix "$PREFIX" -Db_lto=false -Doptimization=0 \
    -Dtests=false > "$T_DIR/setup.log" 2>&1 || { tail -20 "$T_DIR/setup.log"; exit 1; }
ninja -C "$B" > "$T_DIR/ninja.log" 2>&1 || { tail -20 "$T_DIR/ninja.log"; exit 1; }
# Before the install (issue 27, item 3): the binaries run from the build
# tree as `meson setup build && ninja -C build` leaves them. No default
# configuration file is there yet: each says so in one line and runs on the
# built-in defaults and catalogue; a file named with -c that is not there
# stays an error that names it.
t_check "no installed configuration yet" "$([ -e "$PREFIX/etc" ] && echo yes || echo no)" no
rc=0; "$B/tools/sim/senseplane-sim" --sensors 3 --count 200 --pcap "$T_DIR/in.pcap" --quiet \
    > "$T_DIR/bsim" 2>&1 || rc=$?
t_check "build/ sim, no catalogue installed: exit" "$rc" 0
t_check "... one line says the built-in catalogue" "$(grep -c "built-in attribute catalogue" "$T_DIR/bsim")" 1
# the README's pcap example, from build/ (only the socket moved: /run is shared)
"$B/dataplane/senseplane-dp" --no-huge --no-pci -l 0 -m 512 --file-prefix "$T_PREFIX" \
    --vdev "net_pcap0,rx_pcap=$T_DIR/in.pcap,tx_pcap=$T_DIR/out.pcap" -- \
    --set "control.socket=$T_DIR/dp.sock" > "$T_DIR/bdp.log" 2>&1 &
BDP=$!; T_PIDS+=("$BDP")
t_wait_for "$T_DIR/bdp.log" "running" 20
t_check "build/ dp, no configuration installed: one line says the built-in defaults" \
    "$(grep -c "no $PREFIX/etc/senseplane/senseplane.conf: built-in defaults" "$T_DIR/bdp.log")" 1
rx_pkts() { python3 "$T_ROOT/tests/lib/spctl.py" "$T_DIR/dp.sock" stats | t_eval - 'd["totals"]["rx_pkts"]'; }
t_check_within "... and it reads the capture" 10 200 rx_pkts
t_stop "$BDP" 10 > /dev/null || true
t_expect "build/ dp -c /nonexistent: an error naming the file" 2 \
    "/nonexistent/senseplane.conf: cannot open" "$B/dataplane/senseplane-dp" --no-huge --no-pci \
    -l 0 -m 512 --file-prefix "$T_PREFIX" --vdev net_null0 -- -c /nonexistent/senseplane.conf
t_expect "build/ ctld -c /nonexistent: an error naming the file" 2 \
    "/nonexistent/senseplane.conf: cannot open" "$B/controlplane/senseplane-ctld" \
    -c /nonexistent/senseplane.conf
"$B/controlplane/senseplane-ctld" --redis redis://127.0.0.1:1/0 --socket "$T_DIR/dp.sock" \
    --set controlplane.api=127.0.0.1:7483 --set controlplane.metrics= > "$T_DIR/bctld.log" 2>&1 &
BCTLD=$!; T_PIDS+=("$BCTLD")
t_wait_for "$T_DIR/bctld.log" "senseplane-ctld .*: node" 10
t_check "build/ ctld: one line says the built-in defaults" \
    "$(grep -c "no $PREFIX/etc/senseplane/senseplane.conf: built-in defaults" "$T_DIR/bctld.log")" 1
t_stop "$BCTLD" 10 > /dev/null || true
t_expect "build/ CLI in cluster mode: the built-in catalogue, said" 3 \
    "no $PREFIX/etc/senseplane/attributes.conf: the built-in attribute catalogue" \
    "$B/controlplane/senseplane" --redis redis://127.0.0.1:1/0 nodes
t_expect "build/ view: the built-in catalogue, said" 0 "the built-in attribute catalogue" \
    "$B/tools/view/senseplane-view" --pcap "$T_DIR/out.pcap" --quiet
t_expect "build/ view --catalog /nonexistent: an error naming the file" 2 \
    "/nonexistent/attributes.conf: cannot open" \
    "$B/tools/view/senseplane-view" --catalog /nonexistent/attributes.conf --pcap "$T_DIR/out.pcap"

DESTDIR=$T_DIR/dest meson install -C "$B" --quiet > "$T_DIR/install.log" 2>&1 ||
    { tail -20 "$T_DIR/install.log"; exit 1; }
rm -rf "$B"
mkdir -p "$(dirname "$PREFIX")"
mv "$T_DIR/dest$PREFIX" "$PREFIX"

for f in bin/senseplane-dp bin/senseplane-ctld bin/senseplane bin/senseplane-sim \
         bin/senseplane-view etc/senseplane/senseplane.conf etc/senseplane/attributes.conf; do
    t_check "installed $f" "$([ -e "$PREFIX/$f" ] && echo yes)" yes
done
for b in "$PREFIX"/bin/*; do
    t_check "$(basename "$b"): names no source-tree path" \
        "$(strings "$b" | grep -c "$T_ROOT/config")" 0
done
conf=$PREFIX/etc/senseplane/senseplane.conf
t_check "dp --help names the installed config" \
    "$("$PREFIX/bin/senseplane-dp" --help | grep -c "default $conf")" 1
t_check "ctld --help names the installed config" \
    "$("$PREFIX/bin/senseplane-ctld" --help | grep -c "$conf")" 1
rc=0; "$PREFIX/bin/senseplane-dp" -- --print-config > "$T_DIR/pc" 2>&1 || rc=$?
t_check "dp --print-config from the install, no -c: exit" "$rc" 0
t_check "... and the installed catalogue" "$(grep -c "^catalog = $PREFIX/etc/senseplane/attributes.conf" "$T_DIR/pc")" 1
rc=0; "$PREFIX/bin/senseplane-sim" --count 10 --pcap "$T_DIR/s.pcap" --quiet \
    > "$T_DIR/sim" 2>&1 || rc=$?
t_check "sim from the install, default catalogue: exit" "$rc" 0
t_check "... wrote its packets" "$([ -s "$T_DIR/s.pcap" ] && echo yes)" yes
t_check "view --help names the installed catalogue" \
    "$("$PREFIX/bin/senseplane-view" --help | grep -c "$PREFIX/etc/senseplane/attributes.conf")" 1
t_done
