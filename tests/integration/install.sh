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
