#!/usr/bin/env bash
# The cluster CLI's writes are all or nothing (issue 27, item 4). Each
# operation (viewer add/rm, sub add/rm, pin) runs through a proxy that
# loses the connection after the client's first N commands and half of the
# next, for N = 0, 1, ... until the client gets through whole; after every
# cut Redis must hold exactly what it held before the operation or exactly
# what the operation leaves when it completes - never a viewer without its
# set entry, a subscription in one set and not the other, or half of a
# viewer's removal. (The five-commands-per-operation CLI before the
# scripts fails this at its third command.)
. "$(dirname "$0")/../lib/common.sh"

RPORT=$(t_port); PPORT=$(t_port)   # its own: the same suites may run beside it
PN=0                               # proxies started, for their files' names
t_redis redis $RPORT
R="redis-cli -p $RPORT"

cli() { "$CLI" --redis "redis://127.0.0.1:$1/0" "${@:2}"; }

# Everything under the prefix, one line a key, in an order that does not
# depend on how Redis stores it (a TTL as there or not: it runs down).
snap() {
    local k
    for k in $($R --scan --pattern 'sp:*' | sort); do
        case $($R TYPE "$k") in
        hash) echo "$k hash $($R HGETALL "$k" | paste - - | sort | paste -sd' ')" ;;
        set) echo "$k set $($R SMEMBERS "$k" | sort | paste -sd' ')" ;;
        string) echo "$k string $($R GET "$k") ttl:$([ "$($R PTTL "$k")" -gt 0 ] && echo y || echo n)" ;;
        *) echo "$k $($R TYPE "$k")" ;;
        esac
    done
}

# scenario NAME SETUP ACTION...: SETUP (a shell function) makes the state
# before; ACTION is the CLI's words.
scenario() {
    local name=$1 setup=$2 before after got out n ppid cuts=0 bad=0; shift 2
    $R FLUSHALL > /dev/null; $setup
    before=$(snap)
    cli $RPORT "$@" > "$T_DIR/whole.out" 2>&1 ||
        { t_check "$name: runs without a cut" "failed: $(cat "$T_DIR/whole.out")" ok; return; }
    after=$(snap)
    t_check "$name: changes something" "$([ "$before" != "$after" ] && echo yes)" yes
    for ((n = 0; n < 40; n++)); do
        $R FLUSHALL > /dev/null; $setup
        # a file of its own, never used before: the shell makes it in the
        # background, so a name an earlier scenario used could still hold
        # its "listening" when the wait reads it, and the CLI would find
        # no proxy yet (connection refused; failed in a fresh-clone run)
        PN=$((PN + 1)); pout=$T_DIR/proxy$PN.out
        python3 "$T_ROOT/tests/lib/cutproxy.py" $PPORT $RPORT $n > "$pout" 2>&1 &
        ppid=$!; T_PIDS+=("$ppid")
        t_wait_for "$pout" listening 10
        cli $PPORT "$@" > "$T_DIR/cut.out" 2>&1 || true
        wait "$ppid" || true
        out=$(tail -1 "$pout")
        got=$(snap)
        if [ "$got" != "$before" ] && [ "$got" != "$after" ]; then
            bad=$((bad + 1))
            echo "  $name: after '$out' Redis holds neither the state before nor after:"
            diff <(echo "$after") <(echo "$got") | sed 's/^/    /' || true
        fi
        case $out in
        cut*) cuts=$((cuts + 1)) ;;
        whole*) break ;;
        *) t_check "$name: the proxy's report" "$out" "cut or whole"; break ;;
        esac
    done
    t_log "$name: $cuts cut point(s), then whole ($out)"
    t_check "$name: the connection was cut in the operation (after the SELECT)" \
        "$([ "$cuts" -ge 2 ] && echo yes)" yes
    t_check "$name: every cut left all or nothing" "$bad" 0
}

# the states before: made whole, without the proxy (quiet: run from build/
# the CLI says that it takes its built-in catalogue)
none() { :; }
viewer() { cli $RPORT viewer add w1 239.9.9.1:7700 low > /dev/null 2>&1; }
viewer_sub() { viewer; cli $RPORT sub add w1 5 high > /dev/null 2>&1; }
viewer_subs() { viewer_sub; cli $RPORT sub add w1 6/ecg --ttl 60000 > /dev/null 2>&1; }

scenario "viewer add" none viewer add w1 239.9.9.1:7700 low
scenario "sub add, the viewer's level" viewer sub add w1 5
scenario "sub add, an attribute, a TTL" viewer sub add w1 6/ecg high --ttl 60000
scenario "sub rm" viewer_sub sub rm w1 5
scenario "viewer rm, with its subscriptions" viewer_subs viewer rm w1
scenario "pin" none pin 7

# the decisions are in the same scripts: refusals leave Redis as it was
$R FLUSHALL > /dev/null; viewer
before=$(snap)
t_expect "viewer add over an existing viewer: refused" 1 "viewer 'w1' exists" \
    cli $RPORT viewer add w1 239.9.9.2:7700 high
t_expect "sub add for no viewer: refused" 1 "no viewer 'w2'" cli $RPORT sub add w2 5
t_expect "sub rm of no subscription: refused" 1 "no such subscription" cli $RPORT sub rm w1 9
t_expect "unpin of an unpinned sensor: refused" 1 "is not pinned" cli $RPORT unpin 7
t_check "refusals changed nothing" "$(snap)" "$before"
t_done
