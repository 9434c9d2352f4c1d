# tools/lib/veth.sh - the network every veth-based tool and test builds:
# source it; it defines sp_veth, sp_wait_log and sp_wait_running.

# sp_veth NS DPIF NSIF: a veth pair, DPIF in this namespace (up, no
# address: the dataplane owns it through af_packet), NSIF in a new
# namespace NS as 10.99.0.2/24 with a route for multicast feeds.
sp_veth() {
    ip netns add "$1" || return 1
    ip link add "$2" type veth peer name "$3" || return 1
    ip link set "$3" netns "$1"
    ip link set "$2" up
    # keep the kernel off this side: no IPv6 autoconf chatter
    sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null || true
    ip netns exec "$1" ip link set lo up
    ip netns exec "$1" ip addr add 10.99.0.2/24 dev "$3"
    ip netns exec "$1" ip link set "$3" up
    ip netns exec "$1" ip route add 224.0.0.0/4 dev "$3"
}

# sp_wait_log LOG PATTERN SECONDS [PID]: wait until LOG holds PATTERN (grep
# -E), for at most SECONDS, or until process PID (if given) has ended; if
# PATTERN never comes, show the end of LOG on stderr and return 1.
sp_wait_log() {
    local i
    for i in $(seq 1 $(( $3 * 10 ))); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        [ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || break
        sleep 0.1
    done
    grep -qE "$2" "$1" 2>/dev/null && return 0
    echo "$1: no '$2' after $(( i / 10 )) s:" >&2
    tail -20 "$1" >&2 2>/dev/null
    return 1
}

# sp_wait_running LOG [SECONDS]: wait (10 s by default) until a dataplane
# or daemon writes "running" to LOG.
sp_wait_running() {
    sp_wait_log "$1" running "${2:-10}"
}

# sp_teardown NS DPIF PID...: stop the processes (TERM, then KILL what is
# left 0.3 s later), then remove the veth pair and the namespace. Safe to
# call with some of them already gone.
sp_teardown() {
    local ns=$1 dpif=$2 p
    shift 2
    for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
    [ $# -gt 0 ] && sleep 0.3
    for p in "$@"; do kill -KILL "$p" 2>/dev/null || true; done
    ip link del "$dpif" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
