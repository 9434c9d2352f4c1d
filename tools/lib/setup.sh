# tools/lib/setup.sh - shared by tools/run-tests and tools/run-demo:
# install the Debian packages senseplane needs when missing, and build with
# meson into build/. Source it; it defines sp_setup.

SP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SP_BUILD=${SP_BUILD:-$SP_ROOT/build}
# run-tests and run-demo install into build/stage (meson's --prefix), so
# the binaries find their configuration where an installed senseplane does:
# PREFIX/etc/senseplane/ (docs: README, "Install")
SP_STAGE=$SP_BUILD/stage
. "$SP_ROOT/tools/lib/python.sh"

# Build and run-time packages (Debian 12).
SP_PACKAGES="meson ninja-build pkg-config gcc clang libclang-rt-14-dev
 libdpdk-dev dpdk dpdk-dev libinih-dev libhiredis-dev libjemalloc-dev
 libcunit1-dev libpcap-dev libevent-dev libjansson-dev libsystemd-dev
 redis-server redis-sentinel iproute2
 mosquitto libmosquitto-dev nats-server libnats-dev prometheus tshark help2man
 libwebsockets-dev chromium nodejs
 victoria-metrics
 python3
 procps iputils-ping curl ethtool"

sp_log() { printf '\033[1m== %s\033[0m\n' "$*"; }

sp_install_packages() {
    local missing=() p
    for p in $SP_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install)" >&2
        return 1
    fi
    sp_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || return 1
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# The page's chart library and the browser test's driver, from npm, into
# tools/web/node_modules (pinned in tools/web/package.json and its lock).
# npm comes with Debian's nodejs package where it is not there already.
sp_web_deps() {
    local web=$SP_ROOT/tools/web
    [ -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] &&
        [ -d "$web/node_modules/playwright-core" ] && return 0
    if ! command -v npm > /dev/null; then
        [ "$(id -u)" = 0 ] || { echo "npm is missing (run as root)" >&2; return 1; }
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null || return 1
    fi
    sp_log "npm install (uplot, playwright-core)"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 ||
        npm install --no-audit --no-fund --loglevel=error >/dev/null) || return 1
}

sp_build() {
    local opts=()
    [ "${CI:-}" = true ] && opts+=(-Dwerror=true)
    if [ ! -f "$SP_BUILD/build.ninja" ]; then
        sp_log "meson setup $SP_BUILD --prefix $SP_STAGE ${opts[*]}"
        meson setup "$SP_BUILD" "$SP_ROOT" --prefix "$SP_STAGE" "${opts[@]}" \
            >/dev/null || return 1
    elif [ "$(meson introspect --buildoptions "$SP_BUILD" 2>/dev/null |
              python3 -c 'import json,sys
print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')" \
            != "$SP_STAGE" ]; then
        meson configure "$SP_BUILD" -Dprefix="$SP_STAGE" >/dev/null || return 1
    fi
    sp_log "building"
    ninja -C "$SP_BUILD" >/tmp/sp-build.log 2>&1 || { tail -40 /tmp/sp-build.log; return 1; }
    meson install -C "$SP_BUILD" --quiet >>/tmp/sp-build.log 2>&1 ||
        { tail -20 /tmp/sp-build.log; return 1; }
}

sp_setup() {
    sp_install_packages && sp_web_deps && sp_build && sp_python_path "$SP_BUILD"
}
