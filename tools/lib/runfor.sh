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
. "$(dirname "${BASH_SOURCE[0]}")/veth.sh"    # sp_wait_log

sp_run_for() {
    local secs=$1 log=$2 pat=$3 pid; shift 3
    "$@" < /dev/null > "$log" 2>&1 &
    pid=$!
    if ! sp_wait_log "$log" "$pat" 60 "$pid"; then
        kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        return 1
    fi
    sleep "$secs"
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
