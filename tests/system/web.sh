#!/usr/bin/env bash
# senseplane-web in a real browser (headless chromium, playwright-core):
# the dataplane on veth, simulated sensors and the gateway in a namespace,
# the page on the gateway. What is on screen sets the attention:
#  - thousands of tiles, tens of DOM nodes (virtual scrolling);
#  - a tile scrolled into view is medium in the dataplane, hovered high,
#    and lapses back to medium at its TTL after the pointer leaves
#    (renewed while it stays); the latencies are printed (benchmark
#    figures) and bounded only by 2 s, a mechanism that works;
#  - the ECG tile draws a waveform that changes between two frames;
#  - closing the tab takes its levels along (its keys back to none);
#  - malformed, binary, oversized frames and a flood of reports are
#    refused and counted, and the gateway keeps serving.
. "$(dirname "$0")/../lib/common.sh"

WEB=$T_BUILD/tools/web/senseplane-web
NODE_DIR=$T_ROOT/tools/web/node_modules
# long enough that the page's renewals (every TTL/3) keep a hover
# through a busy machine's late timers: the test is of the lapse, not
# of the browser's punctuality
TTL=3000
[ -d "$NODE_DIR/playwright-core" ] && command -v chromium > /dev/null || {
    echo "web: chromium and tools/web/node_modules are installed by tools/lib/setup.sh"; exit 1; }
t_veth_setup web
t_start_dp --no-huge --no-pci -l 0-1 -m 512 \
    --vdev "net_af_packet0,iface=$DPIF,framecnt=8192" -- \
    --set "control.socket=$SOCK" --set "reliability.allow=10.99.0.2/32" \
    --set dataplane.idle_sleep_us=200
# (the worker naps when idle: the browser, the gateway and the simulator
# share the other core; CI saw scroll -> medium take 111 ms with it spinning)
ip netns exec "$NS" "$SIM" --dest 10.99.0.1:7400 --sensors 400 --hz 10 \
    --attrs ecg,heartrate --quiet > "$T_DIR/sim.log" 2>&1 &   # until stopped
SIMPID=$!; T_PIDS+=("$SIMPID")
ip netns exec "$NS" "$WEB" --listen 10.99.0.2:8080 --control "$SOCK" \
    --iface-addr 10.99.0.2 --www "$T_ROOT/tools/web/www" \
    --attrs ecg,heartrate --sensors 1-2000 --hover-ttl "$TTL" \
    --stats "$T_DIR/web.json" > "$T_DIR/web.log" 2>&1 &
WPID=$!; T_PIDS+=("$WPID")
t_wait_for "$T_DIR/web.log" "senseplane-web: http" 20
t_check "the page is served" "$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' http://10.99.0.2:8080/)" 200
t_check "uPlot is served" "$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' http://10.99.0.2:8080/vendor/uPlot.iife.min.js)" 200
# the far tile's sensor (390) sends: the dataplane knows its keys
known() { $CTL "attention 390" | t_eval - "[k['level'] for k in d['attention']['keys'] if k['name'] == 'heartrate'][0]"; }
t_until 20 known || t_log "sensor 390 is not known to the dataplane"
ip netns exec "$NS" env NODE_PATH="$NODE_DIR" node "$T_ROOT/tests/lib/web_test.js" \
    http://10.99.0.2:8080/ "$SOCK" "$T_DIR" "$TTL" > "$T_DIR/browser.json" 2> "$T_DIR/browser.err" || cat "$T_DIR/browser.err"
B=$T_DIR/browser.json
t_log "browser: $(cat "$B")"
t_check "4 000 tiles offered" "$(t_json "$B" keys)" 4000
t_check "virtual scrolling: under 100 DOM tiles" "$(( $(t_json "$B" dom_tiles) < 100 ))" 1
t_check "the first tile in view is medium" "$(( $(t_json "$B" first_medium_ms) >= 0 ))" 1
t_check "the far tile had no attention before" "$(t_json "$B" far_before)" none
t_log "latencies: scroll -> medium $(t_json "$B" scroll_medium_ms) ms, hover -> high $(t_json "$B" hover_high_ms) ms, left -> lapse $(t_json "$B" lapse_ms) ms (TTL $TTL), close -> gone $(t_json "$B" close_gone_ms) ms"
t_check "scrolled into view: medium (within 2 s)" "$(( $(t_json "$B" scroll_medium_ms) >= 0 && $(t_json "$B" scroll_medium_ms) <= 2000 ))" 1
t_check "the first tile, scrolled far away, has none" "$(t_json "$B" first_after_scroll)" none
t_check "hovered: high (within 2 s)" "$(( $(t_json "$B" hover_high_ms) >= 0 && $(t_json "$B" hover_high_ms) <= 2000 ))" 1
t_check "hover renewed while the pointer stays (1.5 TTL)" "$(t_json "$B" hover_still_high)" high
# the gateway holds a hover for TTL after the last report that had it;
# the page renews every TTL/3, so its last one came up to TTL/3 before
# the pointer left: not before TTL - TTL/3 (-50 ms) from the leave; after
# it by the gateway's timer, bounded by 2 s
t_check "left: lapses to medium at the TTL after the last renewal ($TTL ms, -$((TTL / 3 + 50))/+2000)" \
    "$(( $(t_json "$B" lapse_ms) >= TTL - TTL / 3 - 50 && $(t_json "$B" lapse_ms) <= TTL + 2000 ))" 1
t_check "the ECG tile is not blank" "$(t_eval "$B" 'int(min(d["ecg_ink"]) > 50)')" 1
t_check "the ECG waveform changes between frames" "$(t_json "$B" ecg_changed)" true
t_check "closing the tab lowers its keys to none (within 5 s)" "$(( $(t_json "$B" close_gone_ms) >= 0 && $(t_json "$B" close_gone_ms) <= 5000 ))" 1
[ -f "$T_DIR/dashboard.png" ] && cp "$T_DIR/dashboard.png" /tmp/sp-dashboard.png

# hostile frames
ip netns exec "$NS" python3 "$T_ROOT/tests/lib/ws_hostile.py" 10.99.0.2 8080 > "$T_DIR/hostile.json"
W=$T_DIR/web.json
t_check "oversized frame: connection closed" "$(t_json "$T_DIR/hostile.json" oversized_closed)" true
# the gateway writes its counters to its stats file now and then: wait
# for them to be there (each is a count of what the client sent)
t_check_within "oversized counted" 10 1 t_json "$W" oversized
bad_frames() { echo $(( $(t_json "$W" bad_frames) >= 4 )); }
t_check_within "malformed, binary, unknown keys, too many keys: counted" 10 1 bad_frames
refused() { echo $(( $(t_json "$W" refused_reports) > 200 )); }
t_check_within "the flood of reports refused in part, counted" 10 1 refused
t_log "hostile: $(cat "$T_DIR/hostile.json"); gateway: $(cat "$W")"
t_check "still serving" "$(ip netns exec "$NS" curl -s -o /dev/null -w '%{http_code}' http://10.99.0.2:8080/)" 200
kill -TERM "$WPID"; wait "$WPID" || true
t_check "the gateway's viewers are gone with it" "$($CTL 'viewer ls' | t_eval - 'len([v for v in d["viewers"] if v["name"].startswith("web-")])')" 0
t_stop "$SIMPID" 10 || true
t_stop "$DPPID" 20 || true
t_check_mbufs
exit $T_FAILS
