# tools/lib/runfor.sh - run a benchmark's process for a measured time that
# starts when it is ready, not when it is started. Source it.
#
#   sp_run_for SECS LOG PATTERN COMMAND...
#
# starts COMMAND (stdin /dev/null, stdout and stderr to LOG), waits until
# LOG holds PATTERN (a grep -E pattern: the line a process prints once it
# forwards), gives it SECS seconds more, then SIGINT, and waits for it to
# end. Start-up is not timed: a DPDK process's first touch of a fresh 1 GB
# page, or the loading of a capture, took 8 s of a VM's time once, and a
# fixed timeout left testpmd no second to measure (its figure read 0).
# Returns 1, with the end of LOG on stderr, if PATTERN did not come within
# 60 s or the process ended before it did.
sp_run_for() {
    local secs=$1 log=$2 pat=$3 pid i; shift 3
    "$@" < /dev/null > "$log" 2>&1 &
    pid=$!
    for i in $(seq 600); do
        grep -qE "$pat" "$log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -qE "$pat" "$log" 2>/dev/null; then
        kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        echo "$log: no '$pat' after $((i / 10)) s:" >&2
        tail -20 "$log" >&2
        return 1
    fi
    sleep "$secs"
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
