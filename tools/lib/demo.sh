# tools/lib/demo.sh - the demo's load, started step by step: shared by
# tools/run-demo and tools/bench/soak.sh (which measures that same load
# for minutes). Source it after setup.sh, veth.sh and hugepages.sh.
#
#   sp_demo_init                    names, log folder (sets the names below)
#   sp_demo_dataplane WORKERS [--no-huge]
#                                   veth into the namespace, senseplane-dp
#   sp_demo_sim SENSORS SECONDS     the simulator in the namespace (0: no end)
#   sp_demo_web                     senseplane-web and its own veth pair
#   sp_demo_record                  a private VictoriaMetrics and
#                                   senseplane-record into it (after web:
#                                   the store listens on its veth too)
#   sp_demo_viewers LOCAL [ARG...]  the viewers' subscriptions (through a
#                                   private Redis and senseplane-ctld, or the
#                                   control socket with LOCAL=1), then the
#                                   three viewers, ARGs added to each
#   sp_demo_cleanup                 every process, link, namespace, page
#
# The steps share the caller's shell variables, as the script they came
# out of did: sp_demo_init sets B (the build), NS, DPIF, NSIF, WEBIF,
# PREFIX, LOGS, CLI and empties pids (every process, for the clean-up) and
# vpids (the viewers); the steps set DP, SIM, WEB and, with Redis, REDIS,
# CTLD and RCLI, VMS and REC. A step that fails says so on stderr and
# returns 1.

# The viewers: name, level, feed (group:port), and N: they subscribe to
# sensors 1..N.
SP_DEMO_VIEWERS="wall:high:239.79.0.1:7601:10 desk:medium:239.79.0.2:7602:100
 archive:low:239.79.0.3:7603:500"

sp_demo_init() {
    B=$SP_BUILD
    NS=sp-demo-$$; DPIF=spdemo$$; NSIF=spdns$$; WEBIF=spdweb$$
    PREFIX=sp-demo-$$
    LOGS=$(mktemp -d /tmp/sp-demo.XXXXXX)
    CLI=("$B/controlplane/senseplane" --socket "$LOGS/dp.sock")
    pids=(); vpids=()
    DP=""; SIM=""; WEB=""; REDIS=""; CTLD=""; VMS=""; REC=""
}

sp_demo_cleanup() {
    sp_teardown "$NS" "$DPIF" "${pids[@]}"
    ip link del "$WEBIF" 2>/dev/null || true
    rm -rf "/var/run/dpdk/$PREFIX"
    sp_hugepages_release
}

sp_demo_dataplane() {
    local workers=$1 lcores="0@0,1@1" own=()
    sp_log "network: namespace $NS with $NSIF 10.99.0.2/24 <-veth-> $DPIF (dataplane)"
    sp_veth "$NS" "$DPIF" "$NSIF"

    sp_hugepages 512 ${2:-}
    sp_log "dataplane: senseplane-dp on net_af_packet0,iface=$DPIF ($workers worker(s)), memory on $SP_PAGES"
    # the simulator sends every sensor from one socket, one flow: by queue
    # (the default, right for a NIC's RSS over many sensors' flows) one worker
    # would own all, so the demo's two workers share them by hash
    [ "$workers" = 2 ] && { lcores="0@0,1@0,2@1"; own=(--set dataplane.owner_by_queue=false); }
    "$B/dataplane/senseplane-dp" $SP_MEM --no-pci --lcores "$lcores" \
        --file-prefix "$PREFIX" --log-level=lib.eal:error \
        --vdev "net_af_packet0,iface=$DPIF,qpairs=$workers,framecnt=8192" -- \
        --set "control.socket=$LOGS/dp.sock" "${own[@]}" > "$LOGS/dp.log" 2>&1 &
    DP=$!; pids+=("$DP")
    sp_wait_running "$LOGS/dp.log" || { echo "${0##*/}: the dataplane did not start" >&2; return 1; }
    grep "^senseplane-dp" "$LOGS/dp.log" | head -1
}

sp_demo_sim() {
    local limit=()
    [ "$2" -gt 0 ] && limit=(--seconds "$2")
    sp_log "sensors: $1 simulated devices in $NS -> 10.99.0.1:7400"
    # the namespace learns the dataplane's MAC first: packets sent while ARP
    # resolves are queued a few at a time and the rest discarded, silently
    ip netns exec "$NS" ping -c 1 -W 2 10.99.0.1 > /dev/null || true
    ip netns exec "$NS" "$B/tools/sim/senseplane-sim" --dest 10.99.0.1:7400 \
        --sensors "$1" "${limit[@]}" --quiet --summary "$LOGS/sim.json" \
        > "$LOGS/sim.log" 2>&1 &
    SIM=$!; pids+=("$SIM")
}

# The dashboard's gateway runs beside the viewers (the lenses are there);
# a second veth pair lets a browser on this machine reach it.
sp_demo_web() {
    ip link add "$WEBIF" type veth peer name "${WEBIF}n"
    ip link set "${WEBIF}n" netns "$NS"
    ip addr add 10.98.0.1/30 dev "$WEBIF"; ip link set "$WEBIF" up
    ip netns exec "$NS" ip addr add 10.98.0.2/30 dev "${WEBIF}n"
    ip netns exec "$NS" ip link set "${WEBIF}n" up
    ip netns exec "$NS" "$B/tools/web/senseplane-web" --listen 10.98.0.2:8080 \
        --control "$LOGS/dp.sock" --iface-addr 10.99.0.2 \
        --www "$SP_ROOT/tools/web/www" --stats "$LOGS/web.json" > "$LOGS/web.log" 2>&1 &
    WEB=$!; pids+=("$WEB")
    sleep 0.3
    sp_log "dashboard: open http://10.98.0.2:8080/ in a browser on this machine (senseplane-web)"
}

# The recording: every sample of every sensor into a private
# VictoriaMetrics in the namespace (its data in the log folder), reachable
# from this machine at 10.98.0.2:8428 while the demo runs.
SP_DEMO_STORE=10.98.0.2:8428
sp_demo_record() {
    local vm i
    vm=$(command -v victoria-metrics) ||
        { echo "${0##*/}: victoria-metrics is not installed: no recording" >&2; return 1; }
    sp_log "recording: senseplane-record -> VictoriaMetrics at http://$SP_DEMO_STORE (every sample)"
    ip netns exec "$NS" "$vm" -storageDataPath "$LOGS/vm" -httpListenAddr "$SP_DEMO_STORE" \
        -dedup.minScrapeInterval=1ms -search.latencyOffset=1s -loggerLevel=ERROR \
        > "$LOGS/vm.log" 2>&1 &
    VMS=$!; pids+=("$VMS")
    for i in $(seq 1 100); do
        [ "$(curl -s "http://$SP_DEMO_STORE/health")" = OK ] && break
        sleep 0.1
    done
    ip netns exec "$NS" "$B/tools/record/senseplane-record" --control "$LOGS/dp.sock" \
        --store "http://$SP_DEMO_STORE" -i 10.99.0.2 --state "$LOGS/record" \
        --stats "$LOGS/record.json" --quiet > "$LOGS/record.log" 2>&1 &
    REC=$!; pids+=("$REC")
}

sp_demo_viewers() {
    local local_=$1 v name lvl grp port n s reqs
    shift
    sp_log "viewers: wall (high, sensors 1-10), desk (medium, 1-100), archive (low, 1-500)"
    if [ "$local_" = 1 ]; then
        {
            for v in $SP_DEMO_VIEWERS; do
                IFS=: read -r name lvl grp port n <<< "$v"
                echo "viewer add $name $grp:$port $lvl"
            done
            for v in $SP_DEMO_VIEWERS; do
                IFS=: read -r name lvl grp port n <<< "$v"
                for s in $(seq 1 "$n"); do echo "sub add $name $s"; done
            done
        } > "$LOGS/setup.txt"
        mapfile -t reqs < "$LOGS/setup.txt"
        python3 "$SP_ROOT/tests/lib/spctl.py" "$LOGS/dp.sock" "${reqs[@]}" > "$LOGS/setup.log" \
            || { echo "${0##*/}: set-up of the viewers failed:"; grep false "$LOGS/setup.log" | head; return 1; }
    else
        sp_log "control plane: private Redis on $LOGS/redis.sock, senseplane-ctld (node demo)"
        redis-server --port 0 --unixsocket "$LOGS/redis.sock" --save "" \
            --dir "$LOGS" --logfile "$LOGS/redis.log" & REDIS=$!; pids+=("$REDIS")
        for _ in $(seq 1 50); do [ -S "$LOGS/redis.sock" ] && break; sleep 0.1; done
        RURL="unix://$LOGS/redis.sock"
        ${SP_CTLD_WRAP:-} "$B/controlplane/senseplane-ctld" --redis "$RURL" --node demo \
            --socket "$LOGS/dp.sock" --set controlplane.api=127.0.0.1:7480 \
            --set controlplane.metrics=127.0.0.1:9480 > "$LOGS/ctld.log" 2>&1 &
        CTLD=$!; pids+=("$CTLD")
        for _ in $(seq 1 50); do grep -q "Redis up" "$LOGS/ctld.log" && break; sleep 0.1; done
        RCLI=("$B/controlplane/senseplane" --redis "$RURL")
        for v in $SP_DEMO_VIEWERS; do
            IFS=: read -r name lvl grp port n <<< "$v"
            "${RCLI[@]}" viewer add "$name" "$grp:$port" "$lvl" > /dev/null
        done
        # the subscriptions as any Redis client would write them (SCHEMA.md)
        {
            for v in $SP_DEMO_VIEWERS; do
                IFS=: read -r name lvl grp port n <<< "$v"
                for s in $(seq 1 "$n"); do
                    echo "SET sp:sub:$name:$s $lvl"
                    echo "SADD sp:viewer:$name:subs $s"
                    echo "SADD sp:sensor:$s:subs $name"
                    echo "PUBLISH sp:events \"U $name $s $(date +%s%N)\""
                done
            done
        } | redis-cli -s "$LOGS/redis.sock" > /dev/null
    fi
    for v in $SP_DEMO_VIEWERS; do
        IFS=: read -r name lvl grp port n <<< "$v"
        ip netns exec "$NS" "$B/tools/view/senseplane-view" --iface-addr 10.99.0.2 \
            "$@" --quiet --summary "$LOGS/$name.json" "$grp:$port" \
            > /dev/null 2>&1 &
        pids+=("$!"); vpids+=("$!")
    done
}
