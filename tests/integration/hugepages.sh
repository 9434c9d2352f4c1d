#!/usr/bin/env bash
# Hugepages for benchmarks (tools/lib/hugepages.sh, issue 12): --no-huge is
# honoured; where the machine can reserve pages the dataplane runs on
# them and says so (its log and `ping`), as the helper said it would; no
# page file is left behind; the pages the helper reserved are given back.
. "$(dirname "$0")/../lib/common.sh"
. "$T_ROOT/tools/lib/hugepages.sh"
SOCK=$T_DIR/dp.sock
CTL="python3 $T_ROOT/tests/lib/spctl.py $SOCK"

sp_hugepages 64 --no-huge
t_check "--no-huge asked: ordinary pages" "$SP_MEM / $SP_PAGES" "--no-huge -m 64 / 4 KB pages (--no-huge)"

nr() { cat "/sys/kernel/mm/hugepages/hugepages-$1kB/nr_hugepages" 2>/dev/null || echo 0; }
before="$(nr 1048576) $(nr 2048)"
files() { find /dev/hugepages-1G /dev/hugepages-2M -type f 2>/dev/null | wc -l; }
# what this dataplane needs: 8 MiB of history, 2 048 mbufs and the default
# [attention] pools (1 024 outs, 262 144 routes) - about 160 MB; -m 96 was
# enough only on 1 GB pages, which a fresh machine cannot reserve
sp_hugepages 256
t_log "helper chose: $SP_PAGES ($SP_MEM)"
t_start_dp $SP_MEM --no-pci -l 0-1 --vdev net_null0 -- \
    --set dataplane.history_mb=8 --set dataplane.mbufs=2048 \
    --set "control.socket=$SOCK"
pages=$($CTL ping | t_eval - 'd["memory"]["pages"]')
t_log "dataplane says: $pages"
case "$SP_PAGES" in
1\ GB*) want='1 GB hugepages' ;;
2\ MB*) want='2 MB hugepages' ;;
*)      want='4 KB pages (--no-huge' ;;
esac
t_check "the dataplane is on the pages the helper chose" \
    "$(case "$pages" in "$want"*) echo yes ;; *) echo "no: $pages" ;; esac)" yes
t_check "its log says so" "$(grep -c "memory on $want" "$T_DIR/dp.log")" 1
t_check "no page file while it runs (unlinked once mapped)" "$(files)" 0
t_stop "$DPPID" 10 > /dev/null || true
t_check "no page file after it" "$(files)" 0
sp_hugepages_release
t_check "the pages it reserved given back (1 GB, 2 MB pools)" "$(nr 1048576) $(nr 2048)" "$before"
t_done
